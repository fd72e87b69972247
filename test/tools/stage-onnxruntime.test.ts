import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runNode } from '../helpers/run-node';

const SCRIPT = join(__dirname, '..', '..', 'tools', 'stage-onnxruntime.mjs');
const LINUX_X64 = 'onnxruntime-node/bin/napi-v6/linux/x64';

/** Writes each file (relative path → content) under `dir`. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Every file under `dir`, as sorted paths relative to it. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** An onnxruntime-node install whose script fetched the GPU providers, plus other platforms and type files. */
function fakeInstall(dir: string, omit: string[] = []): void {
  const files: Record<string, string> = {
    'onnxruntime-node/package.json': '{"name":"onnxruntime-node"}',
    'onnxruntime-node/dist/index.js': 'module.exports = {};',
    'onnxruntime-node/dist/index.d.ts': 'export {};',
    'onnxruntime-node/dist/index.js.map': '{}',
    [`${LINUX_X64}/onnxruntime_binding.node`]: 'binding',
    [`${LINUX_X64}/libonnxruntime.so.1`]: 'runtime',
    [`${LINUX_X64}/libonnxruntime_providers_shared.so`]: 'shared provider',
    [`${LINUX_X64}/libonnxruntime_providers_cuda.so`]: 'cuda provider',
    [`${LINUX_X64}/libonnxruntime_providers_tensorrt.so`]: 'tensorrt provider',
    'onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node': 'arm binding',
    'onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node': 'mac binding',
    'onnxruntime-common/package.json': '{"name":"onnxruntime-common"}',
    'onnxruntime-common/dist/cjs/index.js': 'module.exports = {};',
    'onnxruntime-common/dist/esm/index.js': 'export {};',
  };
  for (const path of omit) delete files[path];
  writeTree(dir, files);
}

function stage(packageDir: string, sourceModules: string): Promise<string> {
  return runNode(
    'import(process.env.SCRIPT).then((m) => m.stageOnnxRuntime(process.env.PACKAGE_DIR, "x64", process.env.SOURCE));',
    '',
    {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, SCRIPT, PACKAGE_DIR: packageDir, SOURCE: sourceModules },
    },
  );
}

describe('stage-onnxruntime', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'stage-ort-'));
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('copies only the binding and libonnxruntime of the architecture, leaving the GPU providers behind', async () => {
    // Prepare
    const source = join(work, 'source');
    const packageDir = join(work, 'package');
    fakeInstall(source);

    // Act
    await stage(packageDir, source);

    // Assess
    expect(listTree(packageDir)).toEqual([
      'node_modules/onnxruntime-common/dist/cjs/index.js',
      'node_modules/onnxruntime-common/package.json',
      `node_modules/${LINUX_X64}/libonnxruntime.so.1`,
      `node_modules/${LINUX_X64}/onnxruntime_binding.node`,
      'node_modules/onnxruntime-node/dist/index.js',
      'node_modules/onnxruntime-node/package.json',
    ]);
    expect(readFileSync(join(packageDir, 'node_modules', LINUX_X64, 'libonnxruntime.so.1'), 'utf8')).toBe(
      'runtime',
    );
  });

  it('fails naming the native file that is missing', async () => {
    // Prepare
    const source = join(work, 'source');
    fakeInstall(source, [`${LINUX_X64}/libonnxruntime.so.1`]);

    // Act
    const staging = stage(join(work, 'package'), source);

    // Assess
    await expect(staging).rejects.toThrow(/onnxruntime-node has no libonnxruntime\.so\.1 in .*linux\/x64/);
  });
});
