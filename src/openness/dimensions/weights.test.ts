import { describe, expect, it } from 'vitest';
import { extractHfFacts } from '../huggingface-input.js';
import { buildHfRecord, siblings, withoutFields } from '../../../test/fixtures/openness.js';
import {
  classifyParameterCount,
  classifyWeights,
  libraryWeightExtensions,
  scanWeightFiles,
  weightFileFormat,
} from './weights.js';

describe('weightFileFormat', () => {
  it.each([
    ['model.safetensors', 'safetensors'],
    ['model-00001-of-00004.safetensors', 'safetensors'],
    ['pytorch_model.bin', 'bin'],
    ['pytorch_model-00001-of-00002.bin', 'bin'],
    ['original/consolidated.00.pth', 'pth'],
    ['model.pt', 'pt'],
    ['v2-1_768-ema-pruned.ckpt', 'ckpt'],
    ['Llama-3.2-1B-Instruct-Q4_K_M.gguf', 'gguf'],
    ['model-00001-of-00003.gguf', 'gguf'],
    ['big-model.Q8_0.gguf.part1of2', 'gguf'],
    ['ggml-model-q4_0.ggml', 'ggml'],
    ['onnx/decoder_model.onnx', 'onnx'],
    ['tf_model.h5', 'h5'],
    ['flax_model.msgpack', 'msgpack'],
    ['64-fp16.tflite', 'tflite'],
    ['weights.npz', 'npz'],
    ['model.keras', 'keras'],
    ['parakeet.nemo', 'nemo'],
    ['Model.mlmodel', 'mlmodel'],
    ['coreml/float32_model.mlpackage/Data/com.apple.CoreML/weights/weight.bin', 'mlpackage'],
    ['coreml/float32_model.mlpackage/Manifest.json', 'mlpackage'],
    ['MODEL.SAFETENSORS', 'safetensors'],
  ])('%s is a %s weight file', (path, format) => {
    expect(weightFileFormat(path)).toBe(format);
  });

  it.each([
    'model.safetensors.index.json',
    'pytorch_model.bin.index.json',
    'training_args.bin',
    'checkpoint-500/optimizer.pt',
    'checkpoint-500/scheduler.pt',
    'checkpoint-500/scaler.pt',
    'rng_state.pth',
    'checkpoint-500/rng_state_3.pth',
    'global_step10/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt',
    'config.json',
    'README.md',
    'tokenizer.model',
    '.bin',
    'safetensors',
    'notes.part1',
    'rust_model.ot',
  ])('%s is not a weight file', (path) => {
    expect(weightFileFormat(path)).toBeNull();
  });

  it.each([
    ['stable-baselines3', 'ppo-LunarLander-v2.zip', 'zip'],
    ['sklearn', 'skops-model.pkl', 'pkl'],
    ['scikit-learn', 'model.joblib', 'joblib'],
    ['fastai', 'model.pkl', 'pkl'],
    ['spacy', 'en_core_web_sm-any-py3-none-any.whl', 'whl'],
  ])('a %s repository keeps its weights in %s', (library, path, format) => {
    expect(weightFileFormat(path, libraryWeightExtensions(library))).toBe(format);
    expect(weightFileFormat(path)).toBeNull();
  });

  it('lists formats sorted and deduplicated', () => {
    const scan = scanWeightFiles(['b.safetensors', 'a.gguf', 'c.safetensors', 'README.md', 'x.onnx']);
    expect(scan).toEqual({
      formats: ['gguf', 'onnx', 'safetensors'],
      weightFileCount: 4,
      firstWeightFile: 'b.safetensors',
    });
  });
});

const weightsOf = (overrides: Record<string, unknown>) => classifyWeights(extractHfFacts(buildHfRecord(overrides)));

describe('classifyWeights', () => {
  it.each([
    ['ungated with weight files', { gated: false }, 'OPEN', 'weights.open'],
    ['click-through gate', { gated: 'auto' }, 'GATED_AUTO', 'weights.gated-auto'],
    ['legacy boolean gate', { gated: true }, 'GATED_AUTO', 'weights.gated-auto'],
    ['approval gate', { gated: 'manual' }, 'GATED_MANUAL', 'weights.gated-manual'],
    ['unreadable gate value', { gated: 'sometimes' }, 'GATED_MANUAL', 'weights.gated-unrecognized'],
    ['numeric gate value', { gated: 1 }, 'GATED_MANUAL', 'weights.gated-unrecognized'],
    ['gate not reported', { gated: undefined }, 'OPEN', 'weights.open-gate-unreported'],
    ['gate null', { gated: null }, 'OPEN', 'weights.open-gate-unreported'],
    ['disabled repository', { disabled: true }, 'REMOVED', 'weights.disabled'],
    ['disabled beats gating', { disabled: true, gated: 'manual' }, 'REMOVED', 'weights.disabled'],
    ['disabled beats an unknown file list', { disabled: true, siblings: undefined }, 'REMOVED', 'weights.disabled'],
    ['non-boolean disabled is ignored', { disabled: 'yes' }, 'OPEN', 'weights.open'],
    [
      'known file list without weights',
      { siblings: siblings('README.md', 'config.json') },
      'UNRELEASED',
      'weights.no-weight-files',
    ],
    ['empty repository', { siblings: [] }, 'UNRELEASED', 'weights.no-weight-files'],
    [
      'only an index file',
      { siblings: siblings('model.safetensors.index.json') },
      'UNRELEASED',
      'weights.no-weight-files',
    ],
    [
      'only training state',
      { siblings: siblings('training_args.bin', 'optimizer.pt') },
      'UNRELEASED',
      'weights.no-weight-files',
    ],
    ['no file list', { siblings: undefined }, 'UNKNOWN', 'weights.files-unknown'],
    ['file list of the wrong type', { siblings: 'model.safetensors' }, 'UNKNOWN', 'weights.files-unknown'],
    ['gated with no file list', { siblings: undefined, gated: 'manual' }, 'UNKNOWN', 'weights.files-unknown'],
  ])('%s → %s (%s)', (_case, overrides, availability, rule) => {
    const weights = weightsOf(overrides);
    expect(weights.availability).toBe(availability);
    expect(weights.evidence).toMatchObject({ dimension: 'weights', status: availability, rule });
  });

  it('reports the formats of the weight files only', () => {
    const weights = weightsOf({
      siblings: siblings(
        'model-00001-of-00002.safetensors',
        'model-00002-of-00002.safetensors',
        'gguf/m-Q4_K_M.gguf',
        'training_args.bin',
      ),
    });
    expect(weights.formats).toEqual(['gguf', 'safetensors']);
    expect(weights.evidence.value).toContain('3 weight files');
  });

  it('skips malformed siblings and keeps the rest', () => {
    const weights = weightsOf({ siblings: [null, 42, { rfilename: 7 }, { rfilename: 'model.safetensors' }, 'x.bin'] });
    expect(weights.availability).toBe('OPEN');
    expect(weights.formats).toEqual(['safetensors']);
  });

  it('has no formats when the weights are not listed', () => {
    expect(weightsOf({ siblings: undefined }).formats).toEqual([]);
    expect(weightsOf({ disabled: true }).formats).toEqual([]);
  });
});

const parametersOf = (overrides: Record<string, unknown>) =>
  classifyParameterCount(extractHfFacts(buildHfRecord(overrides)));

describe('classifyParameterCount', () => {
  it.each([
    [
      'safetensors.total',
      { safetensors: { total: 8_030_261_248, parameters: { BF16: 1 } } },
      8_030_261_248,
      'parameters.safetensors-total',
    ],
    [
      'sum of safetensors.parameters',
      { safetensors: { parameters: { BF16: 1_000, F32: 24 } } },
      1_024,
      'parameters.safetensors-sum',
    ],
    [
      'sum ignores bad entries',
      { safetensors: { parameters: { BF16: 1_000, F32: 'x', I8: -5 } } },
      1_000,
      'parameters.safetensors-sum',
    ],
    [
      'gguf.total',
      { safetensors: undefined, gguf: { total: 1_235_814_432, architecture: 'llama' } },
      1_235_814_432,
      'parameters.gguf-total',
    ],
    ['zero total falls through to gguf', { safetensors: { total: 0 }, gguf: { total: 7 } }, 7, 'parameters.gguf-total'],
    ['fractional total is rounded', { safetensors: { total: 99.6 } }, 100, 'parameters.safetensors-total'],
  ])('%s', (_case, overrides, count, rule) => {
    const parameters = parametersOf(overrides);
    expect(parameters.parameterCount).toBe(count);
    expect(parameters.evidence).toMatchObject({ dimension: 'parameters', status: 'KNOWN', rule });
  });

  it.each([
    ['no safetensors or gguf', {}],
    ['zero', { safetensors: { total: 0, parameters: { BF16: 0 } } }],
    ['negative', { safetensors: { total: -1 } }],
    ['a string', { safetensors: { total: '8B' } }],
    ['NaN-like', { safetensors: { total: Number.NaN } }],
    ['infinite', { safetensors: { total: Number.POSITIVE_INFINITY } }],
    ['beyond safe integers', { safetensors: { total: 2 ** 60 } }],
    ['safetensors not an object', { safetensors: [1, 2] }],
    ['gguf without total', { safetensors: undefined, gguf: { architecture: 'llama' } }],
  ])('is null, never 0, when %s', (_case, overrides) => {
    const parameters = parametersOf({ safetensors: undefined, ...overrides });
    expect(parameters.parameterCount).toBeNull();
    expect(parameters.evidence).toMatchObject({ status: 'UNKNOWN', rule: 'parameters.unknown', value: null });
  });

  it('is null when the record has none', () => {
    expect(
      classifyParameterCount(extractHfFacts(withoutFields(buildHfRecord(), 'safetensors'))).parameterCount,
    ).toBeNull();
  });
});
