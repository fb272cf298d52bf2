import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { CatalogMappingSchema, type CatalogImportRequest, type CatalogImportSummary, type CatalogMappingRequest, type CatalogPreviewRequest, type FinderApi } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { ModelService } from '../models/model-service.js';
import type { CatalogStore, LibraryStore } from '../store/library-store.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { catalogDetails } from './catalog-details.js';
import { PRODUCT_SPACES, importCatalog, previewCatalog } from './import-catalog.js';

/** The demo catalog in resources/ (three folders above out/main/engine/catalog). */
const DEMO_CATALOG = fileURLToPath(new URL('../../../../resources/demo-catalog/foods.csv', import.meta.url));

/** Product catalogs: importing one (a job with progress and cancel), its mapping file, the demo. */
export class CatalogService {
  constructor(
    private readonly store: LibraryStore,
    private readonly models: ModelService,
    private readonly jobs: JobScheduler,
    private readonly events: EngineEvents,
  ) {}

  readonly api = {
    importCatalog: (request: CatalogImportRequest) => this.importCatalog(request),
    catalogs: () => catalogDetails(this.store),
    previewCatalog: ({ mappingFile, mapping, ...request }: CatalogPreviewRequest) => {
      const chosen = mapping ?? (mappingFile ? readMapping(mappingFile) : undefined);
      return previewCatalog({ store: this.store, ...request, ...(chosen ? { mapping: chosen } : {}) });
    },
  } satisfies Pick<FinderApi, 'importCatalog' | 'previewCatalog' | 'catalogs'>;

  /** Pictures fetched from catalogs' links live beside the database, one file per link. */
  picturesDir(): string {
    return path.join(path.dirname(this.store.file), 'catalog-pictures');
  }

  private async importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary> {
    const summary = await runCatalogImport(request, {
      store: this.store,
      jobs: this.jobs,
      picturesDir: this.picturesDir(),
      prepare: async () => {
        await this.models.prepareSpaces(PRODUCT_SPACES);
        return this.models.embedder();
      },
    });
    this.events.emit({ type: 'library-changed' });
    return summary;
  }
}

/**
 * An import as a job with progress and cancel, for either library: the demo catalog or the
 * user's file, with the mapping given, read from a mapping file, or saved by the last import.
 * `hold` wraps the work (the shared library takes its indexing lock there).
 */
export async function runCatalogImport(
  request: CatalogImportRequest,
  library: { store: CatalogStore; jobs: JobScheduler; picturesDir: string; prepare(): Promise<EmbedPool>; hold?: <T>(work: () => Promise<T>) => Promise<T> },
): Promise<CatalogImportSummary> {
  const file = request.demo ? DEMO_CATALOG : request.file;
  if (!file) throw badInput('Name a catalog file, or ask for the demo catalog.');
  const mapping = request.mapping ?? (request.mappingFile ? readMapping(request.mappingFile) : undefined);
  const name = request.name ?? (request.demo ? 'demo' : undefined);
  const hold = library.hold ?? (<T>(work: () => Promise<T>) => work());
  return library.jobs.run({
    kind: 'catalog-import',
    title: `Importing ${path.basename(file)}`,
    unit: 'rows',
    run: (job) =>
      hold(async () =>
        importCatalog({
          store: library.store,
          pool: await library.prepare(),
          file,
          job,
          ...(name ? { name } : {}),
          ...(mapping ? { mapping } : {}),
          fetchImages: request.fetchImages ?? false,
          allowOutsidePictures: request.allowOutsidePictures ?? false,
          picturesDir: library.picturesDir,
        }),
      ),
  }).result;
}

/** A mapping file in YAML or JSON (YAML is a superset of JSON: one parser reads both). */
export function readMapping(file: string): CatalogMappingRequest {
  let mapping: unknown;
  try {
    // Loaded on first use: only an import with a mapping file needs a YAML parser.
    const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof Yaml;
    mapping = parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw badInput(`Cannot read the mapping file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!mapping || typeof mapping !== 'object') throw badInput(`The mapping file ${file} holds no mapping: expected keys such as id, name, image, text.`);
  // The mapping an import prints (--print-mapping) names its format and notes too: read back, they are ignored.
  const { format: _format, notes: _notes, ...rest } = mapping as Record<string, unknown>;
  const parsed = CatalogMappingSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    const unknown = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')}: use id, name, image, colour, category, price, brand, description, text, fields, overflow)` : '';
    throw badInput(`The mapping file ${file} is not a mapping: ${where ? `${where}: ` : ''}${issue?.message ?? 'unreadable'}${unknown}.`);
  }
  return parsed.data;
}
