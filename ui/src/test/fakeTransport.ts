import type { EventListener, StatusListener, Transport } from '../api/client';
import type { Event, Job } from '../api/types';
import { catalogue } from './fixtures';

/** An in-memory transport: answers the read operations from fixtures and lets tests push events. */
export class FakeTransport implements Transport {
  calls: Array<[string, unknown]> = [];
  listeners = new Set<EventListener>();
  providers: Array<{ id: string; name: string; configured: boolean; offline: boolean }> = [];
  /** Answers for further operations, by method name. */
  handlers: Record<string, (input: unknown) => unknown> = {};
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
        return { user: { id: 'u1', username: 'ada', email: null, role: 'user', created_at: 0 }, balance: 50, charging: true };
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
