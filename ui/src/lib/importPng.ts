// Reading a PNG chosen or dropped for `records.import`, checked before it is uploaded.

import { ApiError } from '../api/client';
import { formatBytes } from './format';

/** The largest PNG the UI uploads for import (checked before upload). */
export const MAX_IMPORT_BYTES = 30 * 1024 * 1024;

/** Base64 of the PNG signature's first 7½ bytes (89 50 4E 47 0D 0A 1A …). */
const PNG_BASE64_PREFIX = 'iVBORw0KGg';

/** The names tools are known by, for the record's source badge. */
const SOURCE_NAMES: Record<string, string> = {
  a1111: 'AUTOMATIC1111',
  comfyui: 'ComfyUI',
  invokeai: 'InvokeAI',
};

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
 * The file's bytes as plain base64, after checking it is at most MAX_IMPORT_BYTES and starts like a PNG.
 * Throws ApiError `file_too_large` or `not_png`.
 */
export async function pngBase64(file: File): Promise<string> {
  if (file.size > MAX_IMPORT_BYTES) {
    throw new ApiError(
      'file_too_large',
      `${file.name || 'The file'} is ${formatBytes(file.size)}; PNGs up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB can be imported`,
    );
  }
  const url = await readAsDataUrl(file);
  const comma = url.indexOf(',');
  const b64 = comma >= 0 ? url.slice(comma + 1) : url;
  if (!b64.startsWith(PNG_BASE64_PREFIX)) {
    throw new ApiError('not_png', `${file.name || 'The file'} is not a PNG image`);
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
        title: 'This is not a PNG',
        detail: 'Only PNG images carry generation records. Choose a PNG saved by AUTOMATIC1111, ComfyUI or InvokeAI.',
      };
    case 'not_found':
      return {
        title: 'No generation record found',
        detail:
          'This PNG carries no settings from AUTOMATIC1111, ComfyUI or InvokeAI. Images that were edited, converted or shared through some sites lose them.',
      };
    default:
      return null;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
