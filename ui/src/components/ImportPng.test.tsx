import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiError } from '../api/client';
import { ClientProvider } from '../api/context';
import { AppRoutes, makeQueryClient } from '../App';
import type { ImportOutput } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { MAX_IMPORT_BYTES } from '../lib/importPng';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngFile(name = 'fox.png'): File {
  return new File([new Uint8Array([...PNG_SIGNATURE, 0, 0, 0, 13, 73, 72, 68, 82])], name, { type: 'image/png' });
}

const imported: ImportOutput = {
  record: {
    source: 'a1111',
    prompt: 'a red fox in the snow, golden hour',
    negative_prompt: 'blurry, lowres',
    width: 512,
    height: 768,
    seed: 1234,
    steps: 28,
    cfg: 7,
    sampler: 'DPM++ 2M Karras',
    model: 'dreamshaper_8',
  },
  request: {
    prompt: 'a red fox in the snow, golden hour',
    model: 'sd3.5-large',
    n: 1,
    width: 512,
    height: 768,
    seed: 1234,
    negative_prompt: 'blurry, lowres',
    steps: 28,
    cfg: 7,
  },
  dropped: ['sampler DPM++ 2M Karras', 'checkpoint dreamshaper_8'],
};

class ImportTransport extends FakeTransport {
  answer: ImportOutput | ApiError = imported;
  override async call(method: string, input: unknown): Promise<unknown> {
    if (method === 'records.import') {
      this.calls.push([method, input]);
      if (this.answer instanceof ApiError) throw this.answer;
      return this.answer;
    }
    return super.call(method, input);
  }
  imports() {
    return this.calls.filter(([m]) => m === 'records.import');
  }
}

function renderCreate(transport = new ImportTransport([])) {
  render(
    <ClientProvider client={new ApiClient(transport)}>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/']}>
          <AppRoutes />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientProvider>,
  );
  return { transport, user: userEvent.setup() };
}

async function choose(user: ReturnType<typeof userEvent.setup>, file: File) {
  await screen.findByRole('button', { name: 'Import image' });
  await user.upload(screen.getByLabelText('Image to import'), file);
  return screen.findByRole('dialog');
}

describe('Import image', () => {
  it('uploads the chosen PNG as plain base64 and shows the record with what the model cannot use', async () => {
    const { transport, user } = renderCreate();
    const dialog = await choose(user, pngFile());
    await within(dialog).findByText('a red fox in the snow, golden hour');

    const [, input] = transport.imports()[0] ?? [];
    const b64 = (input as { file_base64: string }).file_base64;
    expect(b64.startsWith('iVBORw0KGg')).toBe(true);
    expect(b64).not.toContain('data:');
    expect(atob(b64).charCodeAt(1)).toBe(0x50);

    expect(within(dialog).getByTestId('import-source')).toHaveTextContent('AUTOMATIC1111');
    expect(within(dialog).getByText('From fox.png')).toBeInTheDocument();
    expect(within(dialog).getByText('blurry, lowres')).toBeInTheDocument();
    for (const text of ['512×768', '1234', '28', '7', 'DPM++ 2M Karras', 'dreamshaper_8']) {
      expect(within(dialog).getByText(text)).toBeInTheDocument();
    }
    expect(within(dialog).getByTestId('import-dropped')).toHaveTextContent(
      'Not used by SD 3.5 Large: sampler DPM++ 2M Karras, checkpoint dreamshaper_8.',
    );
    expect(within(dialog).getByText(/Generates with/)).toHaveTextContent('Generates with SD 3.5 Large.');
    // Keyboard users land on the primary action once the record is in.
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Use these settings' })).toHaveFocus());
  });

  it('prefills the create form from the request on "Use these settings"', async () => {
    const { user } = renderCreate();
    const dialog = await choose(user, pngFile());
    await user.click(await within(dialog).findByRole('button', { name: 'Use these settings' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    expect(screen.getByRole('textbox', { name: 'Prompt' })).toHaveValue('a red fox in the snow, golden hour');
    expect(screen.getByRole('combobox', { name: 'Model' })).toHaveTextContent('SD 3.5 Large');
    expect(screen.getByLabelText(/^Width/)).toHaveValue(512);
    expect(screen.getByLabelText('Height')).toHaveValue(768);
    // The imported advanced settings are shown, not hidden behind the toggle.
    expect(screen.getByLabelText('Seed')).toBeVisible();
    expect(screen.getByLabelText('Seed')).toHaveValue('1234');
    expect(screen.getByLabelText('Negative prompt')).toHaveValue('blurry, lowres');
    expect(screen.getByLabelText(/^Steps/)).toHaveValue('28');
    expect(screen.getByLabelText(/^CFG scale/)).toHaveValue('7');
  });

  it('Cancel closes the dialog and leaves the form alone', async () => {
    const { user } = renderCreate();
    const dialog = await choose(user, pngFile());
    await within(dialog).findByText('a red fox in the snow, golden hour');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('textbox', { name: 'Prompt' })).toHaveValue('');
  });

  it('imports a PNG dropped anywhere on the page, with an overlay while dragging', async () => {
    const { transport } = renderCreate();
    await screen.findByRole('button', { name: 'Import image' });
    const file = pngFile('dropped.png');
    const dataTransfer = { types: ['Files'], files: [file], dropEffect: 'none' };
    fireEvent.dragEnter(document.body, { dataTransfer });
    expect(screen.getByTestId('drop-overlay')).toHaveTextContent('Drop an image to import its settings');
    fireEvent.dragOver(document.body, { dataTransfer });
    fireEvent.drop(document.body, { dataTransfer });
    expect(screen.queryByTestId('drop-overlay')).not.toBeInTheDocument();
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('From dropped.png')).toBeInTheDocument();
    await within(dialog).findByText('a red fox in the snow, golden hour');
    expect(transport.imports()).toHaveLength(1);
  });

  it('says in plain words when the PNG has no record', async () => {
    const transport = new ImportTransport([]);
    transport.answer = new ApiError('not_found', 'the PNG carries no generation record', 404);
    const { user } = renderCreate(transport);
    const dialog = await choose(user, pngFile());
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No generation record found');
    expect(within(dialog).queryByRole('button', { name: 'Use these settings' })).not.toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Choose another image' })).toHaveFocus());
  });

  it('says the file is not a PNG, checked before upload and from the server', async () => {
    const { transport, user } = renderCreate();
    let dialog = await choose(user, new File(['hello, not a picture'], 'notes.png', { type: 'image/png' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('This is not a PNG, JPEG or WebP image');
    expect(transport.imports()).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    transport.answer = new ApiError('invalid_input', 'the file is not a PNG', 400);
    dialog = await choose(user, pngFile());
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('This is not a PNG, JPEG or WebP image');
    expect(transport.imports()).toHaveLength(1);
  });

  it('refuses a file over 30 MB without uploading it', async () => {
    const { transport, user } = renderCreate();
    const big = pngFile('huge.png');
    Object.defineProperty(big, 'size', { value: MAX_IMPORT_BYTES + 1 });
    const dialog = await choose(user, big);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This file is too large');
    expect(alert).toHaveTextContent('images up to 30 MB can be imported');
    expect(transport.imports()).toHaveLength(0);
  });
});
