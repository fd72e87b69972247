import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceChangedError } from '../../../shared/errors';
import { FolderStore } from '../../../shared/folder/folder-store';
import { readText } from '../../../shared/pipeline/object-store';

/** A store over a fresh temp folder named `root`, with a sibling folder outside it. */
function tempStore(): { store: FolderStore; root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'w2v2-folder-store-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { store: new FolderStore({ files: root }), root, outside };
}

/** How an operation ended: the error's name and code, or "done". */
function refusal(settled: PromiseSettledResult<unknown>): string {
  if (settled.status === 'fulfilled') return 'done';
  const { name, code } = settled.reason as { name: string; code: string };
  return `${name} ${code}`;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('FolderStore', () => {
  it('writes a file below its root, creating folders, and reads it back with one version everywhere', async () => {
    // Prepare
    const { store, root } = tempStore();

    // Act
    await store.put('files', 'a/b/c.txt', 'hello', { contentType: 'text/plain', metadata: { kept: 'no' } });
    const head = await store.head('files', 'a/b/c.txt');
    const read = await store.readBytes('files', 'a/b/c.txt', 100);
    const text = await readText(store, 'files', 'a/b/c.txt', 100);
    const download = await store.download('files', 'a/b/c.txt');

    // Assess
    expect(readFileSync(join(root, 'a', 'b', 'c.txt'), 'utf8')).toBe('hello');
    expect(head).toEqual({ etag: expect.stringMatching(/^5-\d+$/), size: 5, metadata: {} });
    expect(read).toEqual({ bytes: Buffer.from('hello'), etag: head!.etag });
    expect(text).toEqual({ text: 'hello', etag: head!.etag });
    expect(download.etag).toBe(head!.etag);
    expect(await drain(download.body)).toBe('hello');
    expect(store.locate('files', 'a/b/c.txt')).toEqual({ path: join(root, 'a', 'b', 'c.txt') });
  });

  it('gives a file a new version when its size or modification time changes', async () => {
    // Prepare
    const { store, root } = tempStore();
    writeFileSync(join(root, 'v.txt'), 'one');
    const first = await store.head('files', 'v.txt');

    // Act
    utimesSync(join(root, 'v.txt'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    const touched = await store.head('files', 'v.txt');
    writeFileSync(join(root, 'v.txt'), 'three');
    const grown = await store.head('files', 'v.txt');

    // Assess
    expect(new Set([first!.etag, touched!.etag, grown!.etag]).size).toBe(3);
  });

  it('answers nothing for missing files and folders, and refuses text above the limit', async () => {
    // Prepare
    const { store, root } = tempStore();
    mkdirSync(join(root, 'folder.json'));
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(101));

    // Act
    const missing = await store.head('files', 'nope.wav');
    const folder = await store.readBytes('files', 'folder.json', 100);
    const big = store.readBytes('files', 'big.txt', 100);

    // Assess
    expect(missing).toBeUndefined();
    expect(folder).toBeUndefined();
    await expect(big).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/101 bytes/),
    });
  });

  it('refuses to stream a file that changed since its head, as a retryable error', async () => {
    // Prepare
    const { store, root } = tempStore();
    writeFileSync(join(root, 'a.wav'), 'first');
    const head = await store.head('files', 'a.wav');
    writeFileSync(join(root, 'a.wav'), 'second version');

    // Act
    const download = store.download('files', 'a.wav', undefined, head!.etag);

    // Assess
    await expect(download).rejects.toBeInstanceOf(SourceChangedError);
    await expect(download).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      retryable: true,
      message: expect.stringMatching(/changed/),
    });
  });

  it('replaces a file atomically: a reader during the write sees the whole old or the whole new file', async () => {
    // Prepare
    const { store, root } = tempStore();
    const size = 8 * 1024 * 1024;
    writeFileSync(join(root, 'big.json'), 'a'.repeat(size));
    const seen = new Set<string>();

    // Act
    let done = false;
    const writing = store
      .put('files', 'big.json', 'b'.repeat(size), { contentType: 'application/json' })
      .finally(() => {
        done = true;
      });
    while (!done) {
      const text = readFileSync(join(root, 'big.json'), 'utf8');
      // One letter throughout: all of the old file or all of the new one (no regex: 8 MiB overflows its stack).
      const whole = text.length === size && !text.includes(text[0] === 'a' ? 'b' : 'a');
      seen.add(whole ? text[0]! : `partial ${text.length}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;

    // Assess
    expect([...seen].filter((kind) => kind !== 'a' && kind !== 'b')).toEqual([]);
    expect(readFileSync(join(root, 'big.json'), 'utf8')[0]).toBe('b');
    expect(readdirSync(root)).toEqual(['big.json']);
  });

  it('leaves neither a temporary file nor a changed target when a write fails', async () => {
    // Prepare
    const { store, root } = tempStore();
    mkdirSync(join(root, 'taken.json'));
    writeFileSync(join(root, 'taken.json', 'inside'), 'kept');

    // Act
    const put = store.put('files', 'taken.json', '{}', { contentType: 'application/json' });

    // Assess
    await expect(put).rejects.toMatchObject({ name: 'FolderAccessError' });
    expect(readdirSync(root)).toEqual(['taken.json']);
    expect(readFileSync(join(root, 'taken.json', 'inside'), 'utf8')).toBe('kept');
  });

  it.each([
    ['a ".." segment', '../escape.txt'],
    ['a nested ".." segment', 'a/../../escape.txt'],
    ['a "." segment', './a.txt'],
    ['an empty segment', 'a//b.txt'],
    ['an absolute path', '/tmp/escape.txt'],
    ['a NUL character', 'a\u0000b.txt'],
    ['a backslash', 'a\\..\\..\\escape.txt'],
  ])('refuses a key with %s for every operation, writing nothing', async (_name, key) => {
    // Prepare
    const { store, root, outside } = tempStore();

    // Act
    const attempts = await Promise.allSettled([
      store.head('files', key),
      store.readBytes('files', key, 100),
      store.download('files', key),
      store.put('files', key, 'x', { contentType: 'text/plain' }),
      store.delete('files', key),
    ]);

    // Assess
    expect(attempts.map(refusal)).toEqual(Array(5).fill('UnsafeKeyError INVALID_INPUT'));
    expect(readdirSync(root)).toEqual([]);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses paths that leave the root through a symbolic link, to a folder or to a file', async () => {
    // Prepare
    const { store, root, outside } = tempStore();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(root, 'linked-folder'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'linked-file.txt'));

    // Act
    const attempts = await Promise.allSettled([
      store.put('files', 'linked-folder/new/planted.txt', 'x', { contentType: 'text/plain' }),
      store.readBytes('files', 'linked-file.txt', 100),
      store.head('files', 'linked-folder/secret.txt'),
    ]);

    // Assess
    expect(attempts.map(refusal)).toEqual(Array(3).fill('UnsafeKeyError INVALID_INPUT'));
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('follows a symbolic link that stays inside the root', async () => {
    // Prepare
    const { store, root } = tempStore();
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real', 'a.txt'), 'inside');
    symlinkSync(join(root, 'real'), join(root, 'alias'));

    // Act
    const text = await readText(store, 'files', 'alias/a.txt', 100);

    // Assess
    expect(text?.text).toBe('inside');
  });

  it('lists regular files below the root, sorted, with their sizes, and no symbolic links', async () => {
    // Prepare
    const { store, root, outside } = tempStore();
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'b.wav'), 'bb');
    writeFileSync(join(root, 'a.wav'), 'a');
    writeFileSync(join(outside, 'elsewhere.wav'), 'e');
    symlinkSync(outside, join(root, 'linked'));

    // Act
    const listed = await store.list('files');

    // Assess
    expect(listed).toEqual([
      { key: 'a.wav', size: 1 },
      { key: 'sub/b.wav', size: 2 },
    ]);
  });

  it('deletes a file, and takes a missing one as already deleted', async () => {
    // Prepare
    const { store, root } = tempStore();
    writeFileSync(join(root, 'old.error.json'), '{}');

    // Act
    await store.delete('files', 'old.error.json');
    await store.delete('files', 'never-there.json');

    // Assess
    expect(existsSync(join(root, 'old.error.json'))).toBe(false);
  });
});
