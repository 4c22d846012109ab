import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { MessageSquare, Send } from 'lucide-react';
import { useMe } from '../api/hooks';
import { useConversations, useMarkConversationRead, useSendMessage, useThread } from '../api/socialHooks';
import { Avatar } from '../components/social/PublicImageCard';
import { ReportButton } from '../components/social/ReportButton';
import { EmptyState, ErrorBanner, ErrorState, Spinner } from '../components/ui';
import { cn, formatRelative } from '../lib/format';
import { useTitle } from '../lib/title';

const MAX_MESSAGE = 2000;

/** Direct messages: the inbox on the left, one conversation on the right, live both ways. A new
 * conversation starts from a profile (`?to=<id>&name=<username>`) and gets its id with the first message. */
export function MessagesPage() {
  useTitle('Messages');
  const { id } = useParams();
  const [params] = useSearchParams();
  const to = params.get('to');
  const inbox = useConversations(true);
  if (inbox.isPending) return <Spinner />;
  if (inbox.isError) return <ErrorState className="min-h-[50vh]" error={inbox.error} onRetry={() => void inbox.refetch()} />;
  const conversations = inbox.data.conversations;
  return (
    <div className="mx-auto grid max-w-[1200px] gap-4 px-4 py-6 sm:px-6 md:grid-cols-[320px_1fr]">
      <nav aria-label="Conversations" className="card overflow-hidden">
        <h1 className="border-b border-line px-4 py-3 text-sm font-semibold">Messages</h1>
        {conversations.length === 0 ? (
          <p className="px-4 py-6 text-sm text-fg-muted">No conversations yet. Start one from someone's profile.</p>
        ) : (
          <ul className="divide-y divide-line">
            {conversations.map((c) => (
              <li key={c.id}>
                <Link
                  to={`/messages/${c.id}`}
                  className={cn('flex items-center gap-3 px-4 py-3 hover:bg-surface-2', c.id === id && 'bg-surface-2')}
                >
                  <Avatar name={c.with.username} url={c.with.avatar_url} />
                  <span className="min-w-0 flex-1">
                    <span className="flex items-baseline gap-2">
                      <span className={cn('truncate text-sm', c.unread > 0 ? 'font-semibold' : 'font-medium')}>{c.with.username}</span>
                      <span className="ml-auto shrink-0 text-xs text-fg-subtle">{formatRelative(c.last_message_at)}</span>
                    </span>
                    <span className="block truncate text-xs text-fg-muted">
                      {c.last_from_me ? 'You: ' : ''}
                      {c.last_body}
                    </span>
                  </span>
                  {c.unread > 0 && (
                    <span className="rounded-full bg-accent px-1.5 text-[10px] font-semibold leading-[18px] text-white" aria-label={`${c.unread} unread`}>
                      {c.unread}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </nav>
      <section className="card flex min-h-[60vh] flex-col" aria-label="Conversation">
        {id ? (
          <Thread key={id} conversationId={id} />
        ) : to ? (
          <NewThread to={to} name={params.get('name') ?? 'them'} />
        ) : (
          <EmptyState icon={<MessageSquare className="h-5 w-5" aria-hidden />} title="Pick a conversation" className="m-auto" />
        )}
      </section>
    </div>
  );
}

function Thread({ conversationId }: { conversationId: string }) {
  const me = useMe();
  const thread = useThread(conversationId);
  const markRead = useMarkConversationRead();
  const bottom = useRef<HTMLDivElement>(null);
  const count = thread.data?.messages.length ?? 0;
  const newest = thread.data?.messages[0]?.id;
  // Opening a conversation (or a message arriving while it is open) reads it: once per newest message.
  useEffect(() => {
    if (newest) markRead.mutate(conversationId);
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [newest, conversationId]);
  if (thread.isPending) return <Spinner />;
  if (thread.isError) return <ErrorState error={thread.error} />;
  const { with: other } = thread.data;
  const messages = [...thread.data.messages].reverse();
  return (
    <>
      <header className="flex items-center gap-2 border-b border-line px-4 py-3">
        <Avatar name={other.username} url={other.avatar_url} />
        <Link to={`/u/${other.username}`} className="text-sm font-semibold hover:underline">
          {other.username}
        </Link>
        <span className="ml-auto text-xs text-fg-subtle">{count} messages</span>
      </header>
      <ol className="flex-1 space-y-2 overflow-y-auto px-4 py-4" aria-label="Messages">
        {messages.map((m) => {
          const mine = m.sender_id === me.data?.id;
          return (
            <li key={m.id} className={cn('group flex items-end gap-1', mine ? 'justify-end' : 'justify-start')}>
              {!mine && (
                <span className="opacity-0 transition-opacity group-hover:opacity-100">
                  <ReportButton target="message" targetId={m.id} compact />
                </span>
              )}
              <div
                className={cn(
                  'max-w-[75%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm',
                  mine ? 'rounded-br-md bg-accent text-white' : 'rounded-bl-md bg-surface-2',
                )}
                title={formatRelative(m.created_at)}
              >
                {m.body}
              </div>
            </li>
          );
        })}
        <div ref={bottom} />
      </ol>
      <Composer to={other.id} name={other.username} />
    </>
  );
}

function NewThread({ to, name }: { to: string; name: string }) {
  return (
    <>
      <header className="flex items-center gap-2 border-b border-line px-4 py-3">
        <Avatar name={name} />
        <span className="text-sm font-semibold">{name}</span>
      </header>
      <div className="flex-1 px-4 py-6 text-sm text-fg-muted">Say hello to {name}.</div>
      <Composer to={to} name={name} />
    </>
  );
}

function Composer({ to, name }: { to: string; name: string }) {
  const send = useSendMessage();
  const navigate = useNavigate();
  const { id } = useParams();
  const [body, setBody] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    send.mutate(
      { to, body },
      {
        onSuccess: (m) => {
          setBody('');
          if (m.conversation_id !== id) navigate(`/messages/${m.conversation_id}`, { replace: true });
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="border-t border-line p-3">
      {send.error && <ErrorBanner className="mb-2" error={send.error} />}
      <div className="flex items-end gap-2">
        <label htmlFor="message-body" className="sr-only">
          Message {name}
        </label>
        <textarea
          id="message-body"
          className="input min-h-[44px] flex-1 py-2"
          placeholder={`Message ${name}`}
          maxLength={MAX_MESSAGE}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
        />
        <button type="submit" className="btn-primary h-10" disabled={!body.trim() || send.isPending} aria-label="Send">
          <Send className="h-4 w-4" aria-hidden />
        </button>
      </div>
    </form>
  );
}
