import { badRequest } from './api-error';
import { multipartBoundary, parseMultipart, type UploadedFile } from './multipart';
import type { Json } from './types';

export type InputFileRef = { upload: UploadedFile } | { fileId: string };

/** A method call's parameters, whatever encoding they came in. Telegram accepts the query string, JSON,
 * urlencoded and multipart alike, so numbers, booleans and nested objects may arrive as strings. */
export class ParamReader {
  constructor(
    private readonly fields: Json,
    private readonly files: Record<string, UploadedFile> = {},
  ) {}

  has(name: string): boolean {
    const value = this.fields[name];
    return (value !== undefined && value !== null && value !== '') || name in this.files;
  }

  str(name: string): string | undefined {
    const value = this.fields[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  requireStr(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === '') throw badRequest(`${name} is empty`);
    return value;
  }

  num(name: string): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(parsed)) throw badRequest(`invalid ${name} specified`);
    return parsed;
  }

  int(name: string): number | undefined {
    const value = this.num(name);
    return value === undefined ? undefined : Math.trunc(value);
  }

  requireInt(name: string): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(`${name} is empty`);
    return value;
  }

  bool(name: string): boolean {
    const value = this.fields[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  json<T>(name: string): T | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  inputFile(name: string): InputFileRef | undefined {
    const upload = this.files[name];
    if (upload) return { upload };
    const value = this.str(name);
    return value ? this.resolveFileString(value) : undefined;
  }

  resolveFileString(value: string): InputFileRef {
    if (!value.startsWith('attach://')) return { fileId: value };
    const upload = this.files[value.slice('attach://'.length)];
    if (!upload) throw badRequest('wrong file identifier/HTTP URL specified');
    return { upload };
  }

  largestUpload(): number {
    return Math.max(0, ...Object.values(this.files).map((file) => file.bytes.length));
  }

  /** The parameters as recorded in `calls`: uploads are summarised rather than kept twice. */
  summary(): Json {
    const summary: Json = { ...this.fields };
    for (const [name, file] of Object.entries(this.files)) {
      summary[name] = { upload: file.fileName, size: file.bytes.length };
    }
    return summary;
  }
}

export function parseParams(contentType: string | undefined, body: Buffer, query: URLSearchParams): ParamReader {
  const fields: Json = Object.fromEntries(query.entries());
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return new ParamReader(fields);
  if (type.startsWith('application/json')) return new ParamReader({ ...fields, ...parseJsonObject(body) });
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new ParamReader({ ...fields, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) });
  }
  const boundary = type.startsWith('multipart/form-data') ? multipartBoundary(contentType ?? '') : undefined;
  if (boundary) {
    const multipart = parseMultipart(body, boundary);
    return new ParamReader({ ...fields, ...multipart.fields }, multipart.files);
  }
  return new ParamReader(fields);
}

function parseJsonObject(body: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON request body");
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object');
  }
  return parsed as Json;
}
