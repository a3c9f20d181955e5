/**
 * The "recent changes" panel: changes pushed by the `modelChanged` subscription as the crawler
 * commits them, for the part of the filter a ChangeFilter knows (hubs, license categories, level).
 * When the connection drops, or the server ends the subscription (SUBSCRIBER_TOO_SLOW), the panel
 * resubscribes with `after` set to the last change it showed, so the server replays what was
 * missed: nothing lost, nothing twice (schema/changes.graphql).
 */
import type { Client } from 'graphql-ws/client';
import { CHANGES_SUBSCRIPTION, type LiveChange } from './documents.js';
import { el } from './dom.js';
import { licenseText, time, words } from './format.js';
import { subscriptionClient } from './graphql.js';
import { levelChip } from './table.js';

const SHOWN = 30;
const MAX_RETRY_MS = 30_000;

export interface LivePanelElements {
  readonly list: HTMLOListElement;
  readonly state: HTMLElement;
}

export class LivePanel {
  private readonly client: Client;
  private filterKey: string | null = null;
  private filter: Record<string, unknown> = {};
  private lastId: string | null = null;
  private stop: (() => void) | null = null;
  private retryMs = 1_000;
  private retryTimer: number | undefined;
  private connected = false;

  constructor(
    private readonly elements: LivePanelElements,
    private readonly linkTo: (id: string) => string,
    private readonly onChange: (change: LiveChange) => void,
  ) {
    this.client = subscriptionClient({
      connected: () => {
        this.connected = true;
        this.setState('live');
      },
      closed: () => {
        this.connected = false;
        this.setState('reconnecting');
      },
    });
  }

  /** Follow the changes matching `filter` (a new filter starts from now; the same one is a no-op). */
  follow(filter: Record<string, unknown>): void {
    const key = JSON.stringify(filter);
    if (key === this.filterKey) return;
    this.filterKey = key;
    this.filter = filter;
    this.lastId = null;
    this.elements.list.replaceChildren();
    this.subscribe();
  }

  private subscribe(): void {
    this.stop?.();
    window.clearTimeout(this.retryTimer);
    if (!this.connected) this.setState(this.stop ? 'reconnecting' : 'connecting');
    const variables = { filter: this.filter, after: this.lastId };
    const again = () => {
      this.setState('reconnecting');
      this.retryTimer = window.setTimeout(() => this.subscribe(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
    this.stop = this.client.subscribe<{ modelChanged: LiveChange }>(
      { query: CHANGES_SUBSCRIPTION, variables },
      {
        next: (result) => {
          const change = result.data?.modelChanged;
          if (!change) return;
          this.retryMs = 1_000;
          this.lastId = change.id;
          this.show(change);
          this.onChange(change);
        },
        error: again,
        complete: again,
      },
    );
  }

  private show(change: LiveChange): void {
    const item = el(
      'li',
      { 'data-change-id': change.id, 'data-model-id': change.modelId },
      el('time', { datetime: change.occurredAt }, time(change.occurredAt)),
      el('span', { class: `kind kind-${change.kind.toLowerCase()}` }, words(change.kind)),
      el(
        'a',
        { href: this.linkTo(change.modelId), class: 'model-link', 'data-model-id': change.modelId },
        change.modelId,
      ),
      change.changedFields.length > 0 ? el('span', { class: 'fields' }, change.changedFields.join(', ')) : null,
      levelChip(change.model.openness?.level ?? null),
      change.model.license ? el('span', { class: 'muted' }, licenseText(change.model.license.category)) : null,
    );
    this.elements.list.prepend(item);
    while (this.elements.list.children.length > SHOWN) this.elements.list.lastElementChild?.remove();
  }

  private setState(state: 'connecting' | 'live' | 'reconnecting'): void {
    this.elements.state.textContent = state;
    this.elements.state.dataset.state = state;
  }
}
