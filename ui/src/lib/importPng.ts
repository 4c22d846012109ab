// Reading an image (PNG, JPEG or WebP) chosen or dropped for `records.import`, checked before it is uploaded.

import { ApiError } from '../api/client';
import { formatBytes } from './format';

/** The largest image the UI uploads for import (checked before upload). */
export const MAX_IMPORT_BYTES = 30 * 1024 * 1024;

/** Base64 of how each readable format starts: PNG's signature (89 50 4E 47 0D 0A 1A …), JPEG's SOI and
 * first marker (FF D8 FF), WebP's RIFF header ("RIFF"). */
const IMAGE_BASE64_PREFIXES = ['iVBORw0KGg', '/9j/', 'UklGR'];

/** The names tools are known by, for the record's source badge. */
const SOURCE_NAMES: Record<string, string> = {
  a1111: 'AUTOMATIC1111',
  comfyui: 'ComfyUI',
  invokeai: 'InvokeAI',
  fooocus: 'Fooocus',
  novelai: 'NovelAI',
};

const TOOLS = 'AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus or NovelAI';

export function sourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}

/**
 * The file's bytes as plain base64, after checking it is at most MAX_IMPORT_BYTES and starts like a PNG,
 * JPEG or WebP. Throws ApiError `file_too_large` or `not_png`.
 */
export async function imageBase64(file: File): Promise<string> {
  if (file.size > MAX_IMPORT_BYTES) {
    throw new ApiError(
      'file_too_large',
      `${file.name || 'The file'} is ${formatBytes(file.size)}; images up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB can be imported`,
    );
  }
  const url = await readAsDataUrl(file);
  const comma = url.indexOf(',');
  const b64 = comma >= 0 ? url.slice(comma + 1) : url;
  if (!IMAGE_BASE64_PREFIXES.some((prefix) => b64.startsWith(prefix))) {
    throw new ApiError('not_png', `${file.name || 'The file'} is not a PNG, JPEG or WebP image`);
  }
  return b64;
}

/** Headline and detail for a failed import, in plain words. */
export function importErrorWords(err: unknown): { title: string; detail: string } | null {
  if (!(err instanceof ApiError)) return null;
  switch (err.code) {
    case 'file_too_large':
      return { title: 'This file is too large', detail: `${capitalise(err.message)}.` };
    case 'not_png':
    case 'invalid_input':
      return {
        title: 'This is not a PNG, JPEG or WebP image',
        detail: `Generation records are read from PNG, JPEG and WebP images. Choose one saved by ${TOOLS}.`,
      };
    case 'not_found':
      return {
        title: 'No generation record found',
        detail:
          `This image carries no settings from ${TOOLS}. Images that were edited, converted or shared through some sites lose them.`,
      };
    default:
      return null;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
