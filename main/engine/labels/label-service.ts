import type { ApplyLabelsRequest, ApplyLabelsResponse, ClassifyRequest, ClassifyResponse, FinderApi, Space } from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { badInput } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { LabelStore } from '../store/library-store.js';
import { exactDot } from '../vector/unit-vector.js';

/** CLIP's learned logit scale (exp(4.6052) = 100): sharpens cosines into probabilities. */
const LOGIT_SCALE = 100;
const DEFAULT_TEMPLATE = 'a photo of a {}';
/** Items scored between two looks at the cancel signal (and two progress reports). */
const CHUNK = 2000;

/** Zero-shot labels: one image against typed labels, and label sets applied to the library as tags. */
export class LabelService {
  constructor(
    private readonly store: LabelStore,
    /** An item's (or a file's) vectors, as the search service finds them. */
    private readonly vectorsOf: (target: string, spaces: Space[]) => Promise<{ vectors: Partial<Record<Space, Float32Array>> }>,
    private readonly pool: () => EmbedPool,
    private readonly jobs: JobScheduler,
    private readonly events: EngineEvents,
  ) {}

  readonly api = {
    classify: (request: ClassifyRequest) => this.classify(request),
    applyLabels: (request: ApplyLabelsRequest) => this.applyLabels(request),
    labelSets: async () => this.store.labelSets(),
    renameLabelSet: async (request: { name: string; to: string }) => {
      await this.store.renameLabelSet(request.name, request.to);
      this.events.emit({ type: 'library-changed' });
      return this.store.labelSets();
    },
    deleteLabelSet: async (request: { name: string }) => {
      await this.store.deleteLabelSet(request.name);
      this.events.emit({ type: 'library-changed' });
      return this.store.labelSets();
    },
    tagItems: async (request: { tag: string; ids: number[] }) => {
      const added = await this.store.tagItems(request.tag.trim(), request.ids);
      this.events.emit({ type: 'library-changed' });
      return { tagged: added.length, added };
    },
    untagItems: async (request: { tag: string; ids: number[] }) => {
      const untagged = await this.store.untagItems(request.tag.trim(), request.ids);
      this.events.emit({ type: 'library-changed' });
      return { untagged };
    },
  } satisfies Pick<FinderApi, 'classify' | 'applyLabels' | 'labelSets' | 'renameLabelSet' | 'deleteLabelSet' | 'tagItems' | 'untagItems'>;

  /**
   * Labels the items each label set has not seen yet (added since it last ran), as a job: only
   * the new items' vectors are read and only the set's label texts embedded. The engine runs
   * it after every index that adds items.
   */
  async labelNewItems(): Promise<void> {
    const pending: Awaited<ReturnType<LabelStore['labelSetDefinitions']>> = [];
    for (const def of await this.store.labelSetDefinitions()) if ((await this.store.clipItemsAfter(def.appliedThrough)).length > 0) pending.push(def);
    if (pending.length === 0) return;
    await this.jobs.run({
      kind: 'label-set',
      title: 'Label sets on new photos',
      unit: 'items',
      run: async (job) => {
        for (const def of pending) {
          if (job.signal.aborted) return;
          const ids = await this.store.clipItemsAfter(def.appliedThrough);
          if (ids.length === 0) continue;
          job.report(0, ids.length, `label set "${def.name}"`);
          const labelVectors = await this.labelVectors(def.labels, def.template);
          const vectors = await this.store.readVectors('clip', ids);
          const assignments = ids.flatMap((id) => {
            const vector = vectors.get(id);
            return vector ? [{ id, labels: choose(def.labels, labelVectors, vector, def.threshold) }] : [];
          });
          await this.store.labelNewItems(def.name, assignments, Math.max(...ids));
          job.report(ids.length, ids.length, null);
        }
      },
    }).result;
    this.events.emit({ type: 'library-changed' });
  }

  private async classify(request: ClassifyRequest): Promise<ClassifyResponse> {
    const labels = uniqueLabels(request.labels);
    if (labels.length < 2) throw badInput(`Give at least two labels: with only "${labels[0]}", its probability would always be 1.`);
    const { vectors } = await this.vectorsOf(request.target, ['clip']);
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
        // Items added from here on are labelled after the index that adds them.
        const through = await this.store.maxItemId();
        const items: { id: number; vector: Float32Array }[] = [];
        await this.store.forEachVector('clip', (id, vector) => items.push({ id, vector }));
        const assignments: { id: number; labels: { label: string; confidence: number }[] }[] = [];
        for (let start = 0; start < items.length; start += CHUNK) {
          if (job.signal.aborted) return { name: request.name, state: 'cancelled', items: 0, tagged: {} };
          for (const { id, vector } of items.slice(start, start + CHUNK)) {
            const chosen = choose(labels, labelVectors, vector, threshold);
            for (const { label } of chosen) tagged[label] = (tagged[label] ?? 0) + 1;
            assignments.push({ id, labels: chosen });
          }
          job.report(Math.min(items.length, start + CHUNK), items.length, null);
          // Let a cancel (or a search) in between chunks.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (job.signal.aborted) return { name: request.name, state: 'cancelled', items: 0, tagged: {} };
        await this.store.replaceLabelSet(request.name, assignments);
        await this.store.saveLabelSet({ name: request.name, labels, template: request.template ?? DEFAULT_TEMPLATE, threshold, appliedThrough: through });
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

/** The labels of a set whose probability (softmax over the set) reaches the threshold. */
function choose(labels: readonly string[], labelVectors: readonly Float32Array[], vector: Float32Array, threshold: number): { label: string; confidence: number }[] {
  const probabilities = softmax(labelVectors.map((v) => LOGIT_SCALE * exactDot(vector, v)));
  return labels.flatMap((label, i) => ((probabilities[i] as number) >= threshold ? [{ label, confidence: probabilities[i] as number }] : []));
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
