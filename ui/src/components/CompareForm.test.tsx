import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompareForm } from './CompareForm';
import { OFFLINE_LABEL } from './ModelPicker';
import { account as accountFixture, catalogue, gptImage } from '../test/fixtures';
import { ApiError } from '../api/client';
import type { AccountOutput, CatalogueOutput, CompareRequest, ProviderStatus } from '../api/types';

const account: AccountOutput = accountFixture();
const providers: ProviderStatus[] = [
  { id: 'local', name: 'Offline renderer', configured: true, offline: true },
  { id: 'openai', name: 'OpenAI', configured: true, offline: false },
  { id: 'stability', name: 'Stability AI', configured: true, offline: false },
];
// Five models, so that choosing too many can be tried.
const more: CatalogueOutput = {
  ...catalogue,
  models: [
    ...catalogue.models,
    { ...gptImage, id: 'dall-e-2', name: 'DALL·E 2', credits: 1, speed: 'fast' },
    { ...gptImage, id: 'dall-e-3', name: 'DALL·E 3', credits: 6 },
  ],
};

function setup(props: Partial<Parameters<typeof CompareForm>[0]> = {}) {
  const onSubmit = vi.fn<(req: CompareRequest) => void>();
  const user = userEvent.setup();
  render(<CompareForm catalogue={more} providers={providers} account={account} onSubmit={onSubmit} {...props} />);
  return { onSubmit, user };
}

const cost = () => screen.getByTestId('cost').textContent;
const submitButton = () => screen.getByRole('button', { name: /^Compare/ });
const box = (name: RegExp) => screen.getByRole('checkbox', { name });

describe('CompareForm', () => {
  it('sums the cost over the chosen models and images per model', async () => {
    const { user } = setup();
    expect(cost()).toBe('Free');
    await user.click(box(/GPT Image 2/));
    expect(cost()).toBe('6 credits');
    await user.click(box(/DALL·E 2/));
    expect(cost()).toBe('7 credits');
    await user.click(box(/Offline sketch renderer/));
    expect(cost()).toBe('7 credits');
    await user.click(screen.getByRole('button', { name: 'More images' }));
    expect(cost()).toBe('14 credits');
    expect(screen.getByTestId('cost-parts')).toHaveTextContent('GPT Image 2 6 × 2 + DALL·E 2 1 × 2 + Offline sketch renderer free');
    await user.click(box(/GPT Image 2/));
    expect(cost()).toBe('2 credits');
    await user.click(box(/DALL·E 2/));
    expect(cost()).toBe('Free');
  });

  it('needs 2–4 models, saying why the button is disabled', async () => {
    const { user, onSubmit } = setup();
    await user.type(screen.getByRole('textbox', { name: 'Prompt' }), 'a red kite');
    expect(submitButton()).toBeDisabled();
    expect(submitButton()).toHaveAccessibleDescription('Choose 2–4 models to compare');
    await user.click(box(/Offline sketch renderer/));
    expect(submitButton()).toBeDisabled();
    expect(screen.getByText('Choose at least one more model to compare')).toBeInTheDocument();
    await user.click(box(/GPT Image 2/));
    expect(submitButton()).toBeEnabled();
    await user.click(box(/SD 3.5 Large/));
    await user.click(box(/DALL·E 2/));
    expect(submitButton()).toBeEnabled();
    await user.click(box(/DALL·E 3/));
    expect(submitButton()).toBeDisabled();
    expect(submitButton()).toHaveAccessibleDescription('Choose at most 4 models (5 chosen)');
    await user.click(box(/DALL·E 3/));

    await user.click(screen.getByRole('textbox', { name: 'Prompt' }));
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      prompt: 'a red kite',
      models: ['local-sketch', 'gpt-image-2', 'sd3.5-large', 'dall-e-2'],
      n: 1,
    });
  });

  it('sends a seed and a negative prompt, and blocks a negative prompt a chosen model lacks', async () => {
    const { user, onSubmit } = setup();
    await user.type(screen.getByRole('textbox', { name: 'Prompt' }), 'a kite');
    await user.click(box(/Offline sketch renderer/));
    await user.click(box(/SD 3.5 Large/));
    await user.type(screen.getByLabelText(/^Seed/), '42');
    await user.type(screen.getByLabelText(/^Negative prompt/), 'blur');
    await user.click(submitButton());
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      prompt: 'a kite',
      models: ['local-sketch', 'sd3.5-large'],
      n: 1,
      seed: 42,
      negative_prompt: 'blur',
    });
    await user.click(box(/GPT Image 2/));
    expect(submitButton()).toBeDisabled();
    expect(screen.getByText(/GPT Image 2 doesn't take a negative prompt/)).toBeInTheDocument();
  });

  it('disables models whose provider has no key and labels the offline renderer honestly', () => {
    setup({ providers: providers.map((p) => (p.id === 'openai' ? { ...p, configured: false } : p)) });
    expect(box(/GPT Image 2/)).toBeDisabled();
    expect(box(/GPT Image 2/)).toHaveAccessibleDescription('Add an API key for OpenAI in Settings to use this model.');
    expect(box(/Offline sketch renderer/)).toBeEnabled();
    expect(screen.getByText(OFFLINE_LABEL)).toBeInTheDocument();
  });

  it('warns when credits are short and shows server errors in plain words', async () => {
    const { user } = setup({
      account: { ...account, balance: 5 },
      error: new ApiError('unsupported_parameter', 'DALL·E 2 does not support a negative prompt', 400),
    });
    expect(screen.getByRole('alert')).toHaveTextContent("This model doesn't support that setting");
    expect(screen.getByRole('alert')).toHaveTextContent('DALL·E 2 does not support a negative prompt');
    await user.type(screen.getByRole('textbox', { name: 'Prompt' }), 'a kite');
    await user.click(box(/GPT Image 2/));
    await user.click(box(/DALL·E 2/));
    expect(screen.getByText(/Not enough credits/)).toBeInTheDocument();
    expect(submitButton()).toBeDisabled();
  });
});
