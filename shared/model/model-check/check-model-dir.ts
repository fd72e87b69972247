import { type CheckResult, type ModelCheckReport, modelCheckReport } from './check-result';
import { checkFiles, checkSettings, checkText, checkTimingCorrection } from './folder-checks';
import { checkFrameCount, checkGraph, checkInt8, checkLogitsWidth, probeGraph } from './graph-checks';

/**
 * Checks a model directory end to end (docs/cli.md#check-model): its files, its settings and where each came
 * from, its graph's interface, a probe run against the vocabulary and the frame geometry, a shipped int8 copy
 * against the fp32 graph, the timing correction and the text settings. A check that needs an earlier one
 * which found a problem is skipped.
 */
export async function checkModelDir(dir: string): Promise<ModelCheckReport> {
  const files = await checkFiles(dir);
  const settings = await checkSettings(dir, files.layout);
  const graph = await checkGraph(files.layout);
  const checks: CheckResult[] = [files.result, settings.result, graph.result];
  try {
    const probe = await probeGraph(graph.session, settings.spec);
    checks.push(
      probe.result,
      checkLogitsWidth(probe.runs, settings.spec),
      checkFrameCount(probe.runs, settings.spec),
      await checkInt8(files.layout, settings.spec, probe.runs),
    );
  } finally {
    await graph.session?.release();
  }
  checks.push(checkTimingCorrection(settings), checkText(settings));
  return modelCheckReport(dir, settings.origins, checks);
}
