import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { FullImage, Thumb } from './Thumb';
import { image } from '../test/fixtures';

describe('a video in the library', () => {
  const clip = image({ id: 'v1', mime: 'video/mp4', url: '/media/v1', thumb_url: '/media/v1/thumb', width: 640, height: 360 });

  it('plays the original with its first frame as the poster, and seeks (controls)', () => {
    render(<FullImage image={clip} />);
    const player = screen.getByLabelText(clip.record.params.prompt);
    expect(player.tagName).toBe('VIDEO');
    expect(player.getAttribute('src')).toBe('/media/v1');
    expect(player.getAttribute('poster')).toBe('/media/v1/thumb');
    expect(player.hasAttribute('controls')).toBe(true);
  });

  it('shows the poster in a grid, never the video file in an image, and marks it a video', () => {
    render(<Thumb image={clip} full />);
    expect(screen.getByRole('img', { name: clip.record.params.prompt }).getAttribute('src')).toBe('/media/v1/thumb');
    expect(screen.getByText('Video')).toBeInTheDocument();
  });
});
