import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import type { BlogListQuery, Post, PostSummary, SavePost } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { account, me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';
import { slugOf } from '../components/admin/BlogAdmin';

const summary = (over: Partial<PostSummary> = {}): PostSummary => ({
  id: 'p1',
  slug: 'video-is-here',
  title: 'Video is here',
  summary: 'Make clips.',
  category: 'whats-new',
  tags: ['video'],
  author: { id: 'u1', username: 'admin_1' },
  published_at: Date.UTC(2026, 11, 1),
  updated_at: Date.UTC(2026, 11, 1),
  ...over,
});

function reader() {
  const transport = new FakeTransport([]);
  transport.me = vi.fn(async () => null);
  transport.handlers['blog.list'] = (input) => {
    const q = input as BlogListQuery;
    const all = [summary(), summary({ id: 'p2', slug: 'prompt-tips', title: 'Prompt tips', category: 'guides', tags: ['prompts'] })];
    return { posts: all.filter((p) => (!q.category || p.category === q.category) && (!q.tag || p.tags.includes(q.tag))), next: null };
  };
  transport.handlers['blog.get'] = (): Post => ({
    post: summary(),
    body: '# Video',
    html: '<h1>Video</h1>\n<p>Make <strong>clips</strong> &lt;script&gt;</p>\n',
  });
  return transport;
}

describe('The blog', () => {
  it('lists what’s new and opens a post, its body as the server rendered it', async () => {
    const transport = reader();
    const { user } = renderApp(transport, '/whats-new');
    const list = await screen.findByRole('list', { name: 'Posts' });
    expect(within(list).getAllByRole('article')).toHaveLength(1);
    expect(transport.calls.find(([m]) => m === 'blog.list')?.[1]).toMatchObject({ category: 'whats-new' });
    await user.click(within(list).getByRole('link', { name: 'Video is here' }));
    await screen.findByRole('heading', { level: 1, name: 'Video is here' });
    const article = screen.getByRole('article', { name: 'Video is here' });
    expect(within(article).getByRole('heading', { level: 1, name: 'Video' })).toBeInTheDocument();
    expect(within(article).getByText('clips').tagName).toBe('STRONG');
    expect(article.querySelector('script')).toBeNull();
    expect(within(article).getByRole('link', { name: '#video' })).toHaveAttribute('href', '/blog?tag=video');
  });

  it('narrows the blog by tag', async () => {
    const transport = reader();
    renderApp(transport, '/blog?tag=prompts');
    expect(await screen.findByRole('heading', { name: 'Posts tagged #prompts' })).toBeInTheDocument();
    const list = await screen.findByRole('list', { name: 'Posts' });
    expect(within(list).getByRole('link', { name: 'Prompt tips' })).toBeInTheDocument();
    expect(within(list).queryByRole('link', { name: 'Video is here' })).toBeNull();
  });

  it('lets an admin write, preview, save and publish a post', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me({ role: 'admin' }));
    const admin = account();
    transport.handlers['account.get'] = () => ({ ...admin, user: { ...admin.user, role: 'admin' } });
    transport.handlers['admin.blog.list'] = () => ({ posts: [], next: null });
    transport.handlers['admin.blog.preview'] = () => ({ html: '<h2>Hello</h2>\n' });
    let saved: Post | null = null;
    transport.handlers['admin.blog.save'] = (input) => {
      const i = input as SavePost;
      saved = { post: summary({ slug: i.slug, title: i.title, category: i.category, tags: i.tags, published_at: null }), body: i.body, html: '' };
      return saved;
    };
    transport.handlers['admin.blog.publish'] = () => ({ ...(saved as Post), post: { ...(saved as Post).post, published_at: 5 } });
    const { user } = renderApp(transport, '/admin?tab=blog');
    const editor = await screen.findByRole('region', { name: 'Post editor' });
    await user.type(within(editor).getByLabelText('Title'), 'New video models!');
    expect(within(editor).getByLabelText('Address')).toHaveValue('new-video-models');
    await user.type(within(editor).getByLabelText('Tags, separated by commas'), 'video, release notes');
    await user.type(within(editor).getByLabelText('Body (markdown)'), '## Hello');
    await user.click(within(editor).getByRole('tab', { name: 'Preview' }));
    expect(await within(editor).findByRole('heading', { level: 2, name: 'Hello' })).toBeInTheDocument();
    await user.click(within(editor).getByRole('button', { name: 'Save draft' }));
    await waitFor(() =>
      expect(transport.calls.find(([m]) => m === 'admin.blog.save')?.[1]).toEqual({
        slug: 'new-video-models',
        title: 'New video models!',
        summary: '',
        body: '## Hello',
        category: 'whats-new',
        tags: ['video', 'release notes'],
      }),
    );
    const reopened = await screen.findByRole('region', { name: 'Post editor' });
    expect(within(reopened).getByRole('status')).toHaveTextContent('Saved');
    await user.click(within(reopened).getByRole('button', { name: 'Publish' }));
    expect(await within(await screen.findByRole('region', { name: 'Post editor' })).findByRole('status')).toHaveTextContent('Published');
  });

  it('makes addresses from titles', () => {
    expect(slugOf('  Hello, World! 2027 ')).toBe('hello-world-2027');
    expect(slugOf('Ünïcode café')).toBe('unicode-cafe');
  });
});
