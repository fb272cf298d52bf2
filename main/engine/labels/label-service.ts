import type { ApplyLabelsRequest, ApplyLabelsResponse, ClassifyRequest, ClassifyResponse, FinderApi } from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { badInput } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { Searcher } from '../search/searcher.js';
import type { LibraryStore } from '../store/library-store.js';
import { exactDot } from '../vector/unit-vector.js';

/** CLIP's learned logit scale (exp(4.6052) = 100): sharpens cosines into probabilities. */
const LOGIT_SCALE = 100;
const DEFAULT_TEMPLATE = 'a photo of a {}';
/** Items scored between two looks at the cancel signal (and two progress reports). */
const CHUNK = 2000;

/** Zero-shot labels: one image against typed labels, and label sets applied to the library as tags. */
export class LabelService {
  constructor(
    private readonly store: LibraryStore,
    private readonly searcher: Searcher,
    private readonly pool: () => EmbedPool,
    private readonly jobs: JobScheduler,
    private readonly events: EngineEvents,
  ) {}

  readonly api = {
    classify: (request: ClassifyRequest) => this.classify(request),
    applyLabels: (request: ApplyLabelsRequest) => this.applyLabels(request),
    labelSets: () => Promise.resolve(this.store.labelSets()),
  } satisfies Pick<FinderApi, 'classify' | 'applyLabels' | 'labelSets'>;

  private async classify(request: ClassifyRequest): Promise<ClassifyResponse> {
    const labels = uniqueLabels(request.labels);
    if (labels.length < 2) throw badInput(`Give at least two labels: with only "${labels[0]}", its probability would always be 1.`);
    const { vectors } = await this.searcher.vectorsOf(request.target, ['clip']);
    if (!vectors.clip) throw badInput(`${request.target} has no clip vector yet (is it indexed?).`);
    const labelVectors = await this.labelVectors(labels, request.template);
    const probabilities = softmax(labelVectors.map((v) => LOGIT_SCALE * exactDot(vectors.clip as Float32Array, v)));
    return {
      target: request.target,
      labels: labels.map((label, i) => ({ label, probability: probabilities[i] as number })).sort((a, b) => b.probability - a.probability),
    };
  }

  /**
   * Tags every item that has a clip vector with the labels of a set whose probability reaches
   * the threshold, as a job. The set's tags are replaced in one transaction at the end, so a
   * cancelled run leaves the tags it had. Cheap to redo: only the label texts are embedded.
   */
  private async applyLabels(request: ApplyLabelsRequest): Promise<ApplyLabelsResponse> {
    const labels = uniqueLabels(request.labels);
    if (labels.length < 2) throw badInput('A label set needs at least two different labels.');
    const threshold = request.threshold ?? 0.5;
    const summary = await this.jobs.run({
      kind: 'label-set',
      title: `Label set "${request.name}"`,
      unit: 'items',
      run: async (job): Promise<ApplyLabelsResponse> => {
        const tagged: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
        job.report(0, null, 'reading the labels');
        const labelVectors = await this.labelVectors(labels, request.template);
        const items: { id: number; vector: Float32Array }[] = [];
        this.store.forEachVector('clip', (id, vector) => items.push({ id, vector }));
        const assignments: { id: number; labels: { label: string; confidence: number }[] }[] = [];
        for (let start = 0; start < items.length; start += CHUNK) {
          if (job.signal.aborted) return { name: request.name, state: 'cancelled', items: 0, tagged: {} };
          for (const { id, vector } of items.slice(start, start + CHUNK)) {
            const probabilities = softmax(labelVectors.map((v) => LOGIT_SCALE * exactDot(vector, v)));
            const chosen = labels.flatMap((label, i) => ((probabilities[i] as number) >= threshold ? [{ label, confidence: probabilities[i] as number }] : []));
            for (const { label } of chosen) tagged[label] = (tagged[label] ?? 0) + 1;
            assignments.push({ id, labels: chosen });
          }
          job.report(Math.min(items.length, start + CHUNK), items.length, null);
          // Let a cancel (or a search) in between chunks.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (job.signal.aborted) return { name: request.name, state: 'cancelled', items: 0, tagged: {} };
        this.store.replaceLabelSet(request.name, assignments);
        return { name: request.name, state: 'done', items: assignments.length, tagged };
      },
    }).result;
    if (summary.state === 'done') this.events.emit({ type: 'library-changed' });
    return summary;
  }

  private labelVectors(labels: string[], template = DEFAULT_TEMPLATE): Promise<Float32Array[]> {
    return this.pool().embedTexts(
      labels.map((label) => template.replaceAll('{}', label)),
      'clip',
      { lane: 'query' },
    );
  }
}

function uniqueLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
}

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}
