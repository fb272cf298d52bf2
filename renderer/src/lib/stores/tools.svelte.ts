import type {
  ClassifyResponse,
  CompareRequest,
  CompareResponse,
  Dtype,
  ModelSpaceName,
  ModelsResponse,
  SaveSettingsRequest,
  SettingsResponse,
} from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

/** The one-off asks of the panels: compare, classify, settings and models, the desktop's file actions. */
export class ToolsStore {
  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  get desktop(): boolean {
    return this.bridge.desktop !== null;
  }

  /** The compare panel shows its own errors, beside the texts. */
  compare(request: CompareRequest): Promise<CompareResponse> {
    return this.bridge.api.compare(request);
  }

  classify(id: number, labels: string[]): Promise<ClassifyResponse | undefined> {
    return this.notices.attempt(() => this.bridge.api.classify({ target: String(id), labels }));
  }

  async settings(): Promise<[ModelsResponse, SettingsResponse] | undefined> {
    return this.notices.attempt(() => Promise.all([this.bridge.api.models(), this.bridge.api.settings()]));
  }

  saveSettings(request: SaveSettingsRequest): Promise<SettingsResponse | undefined> {
    return this.notices.attempt(() => this.bridge.api.saveSettings(request));
  }

  setModel(space: ModelSpaceName, model: string | null, dtype: Dtype): Promise<ModelsResponse> {
    return this.bridge.api.setModel({ space, model, dtype });
  }

  downloadModel(space: ModelSpaceName): Promise<ModelsResponse> {
    return this.bridge.api.downloadModels({ spaces: [space] });
  }

  startDrag(ids: number[]): Promise<unknown> {
    return this.notices.attempt(async () => this.bridge.desktop?.startDrag({ ids }));
  }

  async pickFolders(): Promise<string[]> {
    return (await this.notices.attempt(async () => (await this.bridge.desktop?.pickFolders()) ?? [])) ?? [];
  }

  async pickCatalog(): Promise<string | null> {
    return (await this.notices.attempt(async () => (await this.bridge.desktop?.pickCatalog()) ?? null)) ?? null;
  }

  openItem(id: number): void {
    void this.notices.attempt(async () => this.bridge.desktop?.openItem({ id }));
  }

  reveal(id: number): void {
    void this.notices.attempt(async () => this.bridge.desktop?.reveal({ id }));
  }
}
