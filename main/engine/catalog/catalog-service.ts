import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { CatalogImportRequest, CatalogImportSummary, FinderApi } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { ModelService } from '../models/model-service.js';
import type { LibraryStore } from '../store/library-store.js';
import type { ColumnMapping } from './column-mapping.js';
import { PRODUCT_SPACES, importCatalog } from './import-catalog.js';

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
  } satisfies Pick<FinderApi, 'importCatalog'>;

  private async importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary> {
    const file = request.demo ? DEMO_CATALOG : request.file;
    if (!file) throw badInput('Name a catalog file, or ask for the demo catalog.');
    const mapping = request.mappingFile ? readMapping(request.mappingFile) : undefined;
    const name = request.name ?? (request.demo ? 'demo' : undefined);
    const summary = await this.jobs.run({
      kind: 'catalog-import',
      title: `Importing ${path.basename(file)}`,
      unit: 'rows',
      run: async (job) => {
        await this.models.prepareSpaces(PRODUCT_SPACES);
        return importCatalog({
          store: this.store,
          pool: this.models.embedder(),
          file,
          job,
          ...(name ? { name } : {}),
          ...(mapping ? { mapping } : {}),
        });
      },
    }).result;
    this.events.emit({ type: 'library-changed' });
    return summary;
  }
}

/** A mapping file in YAML or JSON (YAML is a superset of JSON: one parser reads both). */
function readMapping(file: string): Partial<ColumnMapping> {
  try {
    // Loaded on first use: only an import with a mapping file needs a YAML parser.
    const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof Yaml;
    const mapping = parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
    if (!mapping || typeof mapping !== 'object') throw new Error('expected keys such as id, image, text');
    return mapping as Partial<ColumnMapping>;
  } catch (error) {
    throw badInput(`Cannot read the mapping file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
