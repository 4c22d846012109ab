// One blog post: title, category, date, author and tags, and its body as the server rendered it from
// markdown (raw HTML shown as text, only safe addresses), so it is set as HTML here.

import { Link, useParams } from 'react-router';
import { ArrowLeft } from 'lucide-react';
import { useBlogPost } from '../api/blogHooks';
import { ErrorState, PageSpinner } from '../components/ui';
import { formatDate } from '../lib/format';
import { useTitle } from '../lib/title';
import { PostTags, WHATS_NEW, categoryName } from './BlogPage';

export function PostPage() {
  const { slug = '' } = useParams();
  const post = useBlogPost(slug);
  useTitle(post.data?.post.title ?? 'Blog');
  if (post.isPending) return <PageSpinner />;
  if (post.isError) return <ErrorState className="min-h-[50vh]" error={post.error} onRetry={() => void post.refetch()} />;
  const { post: p, html } = post.data;
  const back = p.category === WHATS_NEW ? { to: '/whats-new', label: 'What’s new' } : { to: '/blog', label: 'Blog' };
  return (
    <article className="mx-auto max-w-3xl px-4 py-8 sm:px-6" aria-labelledby="post-title">
      <Link to={back.to} className="inline-flex items-center gap-1 text-sm text-fg-muted hover:text-fg">
        <ArrowLeft className="h-4 w-4" aria-hidden /> {back.label}
      </Link>
      <header className="mt-4 border-b border-line pb-5">
        <div className="flex flex-wrap items-center gap-2 text-xs text-fg-muted">
          <span className="chip">{categoryName(p.category)}</span>
          {p.published_at === null ? (
            <span className="chip border-amber-500/40 text-amber-400">Draft</span>
          ) : (
            <time dateTime={new Date(p.published_at).toISOString()}>{formatDate(p.published_at)}</time>
          )}
          {p.author.username && <span>by {p.author.username}</span>}
        </div>
        <h1 id="post-title" className="mt-3 text-3xl font-semibold tracking-tight">
          {p.title}
        </h1>
        <PostTags tags={p.tags} className="mt-3" />
      </header>
      {/* The server's rendering is the only HTML set here: it cannot carry script (crate::markdown). */}
      <div className="post-body mt-6" dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}
