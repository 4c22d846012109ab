import type { EventListener, StatusListener, Transport } from '../api/client';
import type { DesktopBridge } from '../api/desktop';
import type { AccountOutput, Event, Job, Me, UpdateAccount } from '../api/types';
import { account, catalogue } from './fixtures';

/** An in-memory transport: answers the read operations from fixtures and lets tests push events. */
export class FakeTransport implements Transport {
  calls: Array<[string, unknown]> = [];
  listeners = new Set<EventListener>();
  providers: Array<{ id: string; name: string; configured: boolean; offline: boolean }> = [];
  /** Answers for further operations, by method name. */
  handlers: Record<string, (input: unknown) => unknown> = {};
  /** Set to act as the desktop app. */
  desktop?: DesktopBridge;
  /** The account `account.get` answers with; `account.update` changes it. */
  account: AccountOutput = account({ balance: 50 });
  /** Set to act as a server with sessions (`/api/me`); absent, the client derives a single owner from
   * `account.get`, as it does on the desktop. */
  me?: () => Promise<Me | null>;
  signOut?: () => Promise<void>;
  constructor(private jobs: Job[]) {}
  async call(method: string, input: unknown): Promise<unknown> {
    this.calls.push([method, input]);
    const handler = this.handlers[method];
    if (handler) return handler(input);
    switch (method) {
      case 'catalogue.list':
        return catalogue;
      case 'providers.list':
        return { providers: this.providers };
      case 'account.get':
        return this.account;
      case 'account.update': {
        const { username, settings } = input as UpdateAccount;
        this.account = {
          ...this.account,
          user: { ...this.account.user, username: username ?? this.account.user.username },
          settings: settings ?? this.account.settings,
        };
        return this.account;
      }
      case 'generations.list':
        return { jobs: this.jobs };
      case 'generations.cancel':
        return { ...this.jobs[0], state: 'cancelled' };
      default:
        throw new Error(`unexpected ${method}`);
    }
  }
  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    this.listeners.add(listener);
    onStatus?.('open');
    return () => this.listeners.delete(listener);
  }
  emit(event: Event) {
    for (const l of this.listeners) l(event);
  }
}
