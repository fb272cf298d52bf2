import type { PersonSummary } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

/**
 * The People view: the people the faces were grouped into, most faces first, to name, merge,
 * hide and open; and finding the faces when that was not done yet.
 */
export class PeopleStore {
  open = $state(false);
  list = $state<PersonSummary[] | null>(null);
  showHidden = $state(false);
  finding = $state(false);
  /** Whether any picture was looked at for faces (else the view offers to). */
  scanned = $state(false);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  async show(): Promise<void> {
    this.open = true;
    await this.load();
  }

  close(): void {
    this.open = false;
  }

  async load(): Promise<void> {
    const list = await this.notices.attempt(() => this.bridge.api.people({ hidden: true }));
    if (list) this.list = list;
  }

  /** The people shown: the hidden ones only when asked. */
  get shown(): PersonSummary[] {
    return (this.list ?? []).filter((person) => this.showHidden || !person.hidden);
  }

  /** Finds the faces in every picture not looked at yet (a job), then lists the people. */
  async find(): Promise<void> {
    this.finding = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.findFaces());
      if (!summary) return;
      this.scanned = true;
      const failed = summary.failed.length > 0 ? ` ${summary.failed.length} could not be looked at.` : '';
      this.notices.notify(
        failed ? 'error' : 'info',
        summary.scanned === 0
          ? 'Every picture was looked at already.'
          : `Looked at ${summary.scanned.toLocaleString()} ${summary.scanned === 1 ? 'picture' : 'pictures'}: ${summary.faces.toLocaleString()} ${summary.faces === 1 ? 'face' : 'faces'}, ${summary.grouped.toLocaleString()} grouped into people.${failed}`,
      );
      await this.load();
    } finally {
      this.finding = false;
    }
  }

  private async change(work: () => Promise<PersonSummary[]>): Promise<boolean> {
    const list = await this.notices.attempt(work);
    if (list) this.list = list;
    return list !== undefined;
  }

  name(id: number, name: string): Promise<boolean> {
    return this.change(() => this.bridge.api.namePerson({ id, name: name.trim() || null }));
  }

  async merge(from: PersonSummary, into: PersonSummary): Promise<void> {
    if (await this.change(() => this.bridge.api.mergePeople({ from: from.id, into: into.id }))) {
      this.notices.notify('info', `${label(from)} and ${label(into)} are one person now.`);
    }
  }

  async hide(person: PersonSummary, hidden: boolean): Promise<void> {
    if (await this.change(() => this.bridge.api.hidePerson({ id: person.id, hidden }))) {
      if (hidden) this.notices.notify('info', `${label(person)} is hidden.`, { label: 'Undo', run: () => this.hide(person, false) });
    }
  }
}

/** A person in words: their name, else their number. */
export function label(person: Pick<PersonSummary, 'id' | 'name'>): string {
  return person.name ?? `Person #${person.id}`;
}

/** The search for a person's photos: by their name as the user reads it, by number when it has none (or a quote in it). */
export function personQuery(person: Pick<PersonSummary, 'id' | 'name'>): string {
  return person.name && !person.name.includes('"') ? `person:"${person.name}"` : `person:#${person.id}`;
}
