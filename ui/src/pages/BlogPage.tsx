// The blog's front page and the "what's new" page: published posts newest first, each with its
// category, tags, date and summary; a tag or category in the address narrows the list.

import { Link, useSearchParams } from 'react-router';
import { Newspaper } from 'lucide-react';
import { useBlogPosts } from '../api/blogHooks';
import type { BlogListQuery, PostSummary } from '../api/types';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatDate } from '../lib/format';
import { useTitle } from '../lib/title';

/** The category whose posts make the "what's new" page (the server's `WHATS_NEW`). */
export const WHATS_NEW = 'whats-new';

/** "whats-new" → "What's new", "release-notes" → "Release notes". */
export function categoryName(category: string): string {
  if (category === WHATS_NEW) return 'What’s new';
  const words = category.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A post's tags, each a link to the posts that share it. */
export function PostTags({ tags, className }: { tags: string[]; className?: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className={cn('flex flex-wrap gap-2', className)} aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <Link to={`/blog?tag=${tag}`} className="text-xs text-fg-subtle hover:text-fg">
            #{tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function PostCard({ post }: { post: PostSummary }) {
  return (
    <li>
      <article className="card p-5" aria-labelledby={`post-${post.id}`}>
        <div className="flex flex-wrap items-center gap-2 text-xs text-fg-muted">
          <Link to={post.category === WHATS_NEW ? '/whats-new' : `/blog?category=${post.category}`} className="chip hover:text-fg">
            {categoryName(post.category)}
          </Link>
          {post.published_at !== null && <time dateTime={new Date(post.published_at).toISOString()}>{formatDate(post.published_at)}</time>}
        </div>
        <h2 id={`post-${post.id}`} className="mt-2 text-lg font-semibold tracking-tight">
          <Link to={`/blog/${post.slug}`} className="hover:text-accent">
            {post.title}
          </Link>
        </h2>
        {post.summary && <p className="mt-1.5 text-sm leading-6 text-fg-muted">{post.summary}</p>}
        <PostTags tags={post.tags} className="mt-3" />
      </article>
    </li>
  );
}

export function BlogPage({ whatsNew = false }: { whatsNew?: boolean }) {
  const [params] = useSearchParams();
  const tag = params.get('tag');
  const category = whatsNew ? WHATS_NEW : params.get('category');
  const query: BlogListQuery = { ...(category ? { category } : {}), ...(tag ? { tag } : {}) };
  const title = whatsNew ? 'What’s new' : tag ? `Posts tagged #${tag}` : category ? categoryName(category) : 'Blog';
  useTitle(title);
  const posts = useBlogPosts(query);
  return (
    <div className="mx-auto max-w-3xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <p className="mt-1 text-sm text-fg-muted">
        {whatsNew ? 'What changed in Pixel Studio, newest first.' : 'News, guides and release notes from the people who run this server.'}
      </p>
      {(tag || (category && !whatsNew)) && (
        <Link to="/blog" className="mt-2 inline-block text-sm text-accent hover:underline">
          All posts
        </Link>
      )}
      <div className="mt-6">
        {posts.isPending ? (
          <PageSpinner />
        ) : posts.isError ? (
          <ErrorState error={posts.error} onRetry={() => void posts.refetch()} />
        ) : posts.data.posts.length === 0 ? (
          <EmptyState icon={<Newspaper className="h-5 w-5" aria-hidden />} title="Nothing published yet">
            Posts appear here once an admin publishes them.
          </EmptyState>
        ) : (
          <ul className="flex flex-col gap-4" aria-label="Posts">
            {posts.data.posts.map((post) => (
              <PostCard key={post.id} post={post} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
