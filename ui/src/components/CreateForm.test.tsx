import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CreateForm } from './CreateForm';
import { OFFLINE_LABEL } from './ModelPicker';
import { account as accountFixture, catalogue, gen4Turbo, image } from '../test/fixtures';
import { stateToAnimate } from './createState';
import { ApiError } from '../api/client';
import type { AccountOutput, GenerationRequest } from '../api/types';

const account: AccountOutput = accountFixture();

function setup(props: Partial<Parameters<typeof CreateForm>[0]> = {}) {
  const onSubmit = vi.fn<(req: GenerationRequest) => void>();
  const user = userEvent.setup();
  render(<CreateForm catalogue={catalogue} account={account} onSubmit={onSubmit} {...props} />);
  return { onSubmit, user };
}

async function pickModel(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  await user.click(screen.getByRole('combobox', { name: 'Model' }));
  await user.click(await screen.findByRole('option', { name }));
}

const cost = () => screen.getByTestId('cost').textContent;

describe('CreateForm', () => {
  it('preselects the default model and labels the offline renderer honestly', () => {
    setup();
    const picker = screen.getByRole('combobox', { name: 'Model' });
    expect(picker).toHaveTextContent('Offline sketch renderer');
    expect(picker).toHaveTextContent(OFFLINE_LABEL);
    expect(cost()).toBe('Free');
  });

  it('updates the cost with the model and the number of images', async () => {
    const { user } = setup();
    await pickModel(user, /GPT Image 2/);
    expect(cost()).toBe('6 credits');
    await user.click(screen.getByRole('button', { name: 'More images' }));
    await user.click(screen.getByRole('button', { name: 'More images' }));
    expect(cost()).toContain('18 credits');
    expect(cost()).toContain('(6 × 3)');
    await pickModel(user, /Offline sketch renderer/);
    expect(cost()).toBe('Free');
  });

  it('submits with Ctrl+Enter and sends only what the model supports', async () => {
    const { user, onSubmit } = setup();
    const prompt = screen.getByRole('textbox', { name: 'Prompt' });
    await user.type(prompt, 'a red kite');
    await user.click(screen.getByRole('button', { name: /advanced settings/ }));
    await user.type(screen.getByLabelText('Seed'), '42');
    await user.type(screen.getByLabelText('Negative prompt'), 'blur');
    await user.click(prompt);
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      prompt: 'a red kite',
      model: 'local-sketch',
      n: 1,
      width: 1024,
      height: 1024,
      seed: 42,
      negative_prompt: 'blur',
    });

    // Switching to a model without seed or negative prompt drops them from the request.
    await pickModel(user, /GPT Image 2/);
    await user.click(screen.getByRole('textbox', { name: 'Prompt' }));
    await user.keyboard('{Meta>}{Enter}{/Meta}');
    expect(onSubmit.mock.calls[1]?.[0]).toEqual({ prompt: 'a red kite', model: 'gpt-image-2', n: 1, width: 1024, height: 1024 });
  });

  it('does not submit an empty prompt', async () => {
    const { user, onSubmit } = setup();
    await user.click(screen.getByRole('textbox', { name: 'Prompt' }));
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: /Generate/ })).toBeDisabled();
  });

  it('shows the controls each model supports', async () => {
    const { user } = setup();
    // Offline renderer: range sizes (width/height), seed and negative prompt, no quality/steps.
    expect(screen.getByLabelText(/^Width/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Quality')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /advanced settings/ }));
    expect(screen.getByLabelText('Seed')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Random seed' })).toBeInTheDocument();
    expect(screen.queryByLabelText(/Steps/)).not.toBeInTheDocument();

    // GPT Image 2: fixed sizes, quality, no seed or negative prompt, no advanced section.
    await pickModel(user, /GPT Image 2/);
    expect(screen.queryByLabelText(/^Width/)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Quality')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /advanced settings/ })).not.toBeInTheDocument();
    const sizes = within(screen.getByRole('radiogroup', { name: 'Size' })).getAllByRole('radio');
    expect(sizes.map((s) => s.textContent)).toEqual(['Square 1:1', 'Portrait 2:3']);

    // SD: steps, CFG and style.
    await pickModel(user, /SD 3.5 Large/);
    expect(screen.getByLabelText('Style')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /advanced settings/ }));
    expect(screen.getByLabelText(/Steps/)).toHaveValue('30');
    expect(screen.getByLabelText(/CFG scale/)).toHaveValue('4.5');
  });

  it('rolls a random seed with the dice button', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('button', { name: /advanced settings/ }));
    await user.click(screen.getByRole('button', { name: 'Random seed' }));
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toMatch(/^\d+$/);
  });

  it('counts characters and blocks prompts over the limit', async () => {
    const { user } = setup();
    const prompt = screen.getByRole('textbox', { name: 'Prompt' });
    await user.click(prompt);
    await user.paste('x'.repeat(3501));
    expect(screen.getByText('3,501 / 3,500')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Generate/ })).toBeDisabled();
  });

  it('warns when credits are short', async () => {
    const { user } = setup({ account: { ...account, balance: 5 } });
    await user.type(screen.getByRole('textbox', { name: 'Prompt' }), 'a cat');
    await pickModel(user, /GPT Image 2/);
    expect(screen.getByText(/Not enough credits/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Generate/ })).toBeDisabled();
  });

  it('shows server validation errors readably', () => {
    setup({ error: new ApiError('invalid_size', 'width must be 256–2048 and a multiple of 8; got 1001', 400) });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('That size is not supported');
    expect(alert).toHaveTextContent('Width must be 256–2048 and a multiple of 8; got 1001');
  });
});

describe('CreateForm remixing a retired model', () => {
  it('shows what the remix now runs on', () => {
    setup({ remixImage: image(), remixNote: 'OpenAI retired DALL·E 3 in May 2026; new images from this record are made with GPT Image 2.' });
    expect(screen.getByRole('note')).toHaveTextContent('retired DALL·E 3');
  });
});

describe('CreateForm animating a library image', () => {
  const gen4 = gen4Turbo;
  const withGen4 = { ...catalogue, models: [...catalogue.models, gen4] };

  it('shows the image it animates and sends it with the clip', async () => {
    const { onSubmit, user } = setup({
      catalogue: withGen4,
      animateImage: image(),
      initial: stateToAnimate(gen4, 'img_1', 'a cat'),
    });
    expect(screen.getByText(/Animating/)).toHaveTextContent('Animating a cat');
    expect(cost()).toBe('15 credits');
    await user.click(screen.getByRole('button', { name: /Generate/ }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({ model: 'runway-gen4-turbo', source_image: 'img_1', duration: 5 }),
    );
  });

  it('cannot submit once the image is taken away from a model that needs one', async () => {
    const { onSubmit, user } = setup({
      catalogue: withGen4,
      animateImage: image(),
      initial: stateToAnimate(gen4, 'img_1', 'a cat'),
    });
    await user.click(screen.getByRole('button', { name: 'Stop animating' }));
    expect(screen.queryByText(/Animating/)).toBeNull();
    expect(screen.getByRole('button', { name: /Generate/ })).toBeDisabled();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
