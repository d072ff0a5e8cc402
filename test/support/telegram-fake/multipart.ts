import { badRequest } from './api-error';

export interface UploadedFile {
  fieldName: string;
  fileName: string;
  contentType?: string;
  bytes: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parses a multipart/form-data body held in memory. Works on bytes throughout so binary parts (uploads)
 * come out untouched; only headers and plain fields are decoded as UTF-8. */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const opening = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  const result: MultipartBody = { fields: {}, files: {} };
  let cursor = body.indexOf(opening);
  if (cursor < 0) throw malformed();
  cursor += opening.length;
  while (!startsWith(body, cursor, '--')) {
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) throw malformed();
    const partStart = cursor + 2;
    const partEnd = body.indexOf(separator, partStart);
    if (partEnd < 0) throw malformed();
    addPart(result, body.subarray(partStart, partEnd));
    cursor = partEnd + separator.length;
  }
  return result;
}

function addPart(result: MultipartBody, part: Buffer): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd < 0) throw malformed();
  const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
  const disposition = headers.get('content-disposition') ?? '';
  const name = dispositionParam(disposition, 'name');
  if (name === undefined) throw malformed();
  const content = part.subarray(headerEnd + HEADER_END.length);
  const fileName = dispositionParam(disposition, 'filename');
  if (fileName === undefined) {
    result.fields[name] = content.toString('utf8');
    return;
  }
  result.files[name] = {
    fieldName: name,
    fileName,
    contentType: headers.get('content-type'),
    bytes: Buffer.from(content),
  };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  if (match) return match[1].replace(/\\(.)/g, '$1');
  return new RegExp(`(?:^|;)\\s*${param}=([^;]+)`, 'i').exec(disposition)?.[1].trim();
}

function startsWith(body: Buffer, offset: number, text: string): boolean {
  return body.subarray(offset, offset + text.length).toString('latin1') === text;
}

const malformed = () => badRequest("can't parse multipart/form-data request body");
