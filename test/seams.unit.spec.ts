import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../src');

/** Every relative import of every source file under `folder`, as `file → imported path` (both relative to src/). */
function importsUnder(folder: string): { file: string; imported: string }[] {
  const found: { file: string; imported: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g))
          found.push({ file: relative(SRC, path), imported: relative(SRC, resolve(dirname(path), spec)) });
      }
    }
  };
  walk(join(SRC, folder));
  return found;
}

const into = (layer: string) => (i: { imported: string }) => i.imported === layer || i.imported.startsWith(`${layer}/`);
const describeImport = (i: { file: string; imported: string }) => `${i.file} imports ${i.imported}`;

/**
 * The seams of the core, checked on the source: the catch-up subscription (event pump) and both checkpoint
 * stores live in src/processing, which projections and reactors both use, so neither layer imports the
 * other for them (no infrastructure ↔ projections cycle), and the application stays free of all three.
 */
describe('the seams between layers', () => {
  it('the processing seam (pump, subscriptions, checkpoints) needs neither infrastructure nor projections', () => {
    const imports = importsUnder('processing');
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => into('infrastructure')(i) || into('projections')(i)).map(describeImport)).toEqual([]);
  });

  it('projections import nothing from infrastructure, so the two never import each other', () => {
    expect(importsUnder('projections').filter(into('infrastructure')).map(describeImport)).toEqual([]);
  });

  it('the reactors runner reaches the pump and its checkpoint through the seam, not through projections', () => {
    const imports = importsUnder('infrastructure/reactors');
    expect(imports.filter(into('processing')).length).toBeGreaterThan(0);
    expect(imports.filter(into('projections')).map(describeImport)).toEqual([]);
  });

  it('the domain and the application import no adapter, projection or processing code', () => {
    const inner = [...importsUnder('domain'), ...importsUnder('application')];
    const outward = inner.filter((i) => ['infrastructure', 'projections', 'processing'].some((layer) => into(layer)(i)));
    expect(outward.map(describeImport)).toEqual([]);
  });
});
