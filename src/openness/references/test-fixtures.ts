/**
 * Small hand-written reference data in the sources' real shapes (MOT API records, Index YAML
 * files), for unit tests and for the local fakes of the integration tests when ../shared is absent.
 */

const MOF_FRAMEWORK = { name: 'Model Openness Framework', version: '1.0', date: '2024-12-15' };

const component = (name: string, extra: Record<string, string> = {}) => ({ name, description: `${name}.`, ...extra });

/** `GET /api/v1/model/{id}` bodies (list items have the same shape). */
export const MOT_FIXTURE_RECORDS: readonly Record<string, unknown>[] = [
  {
    id: '1130',
    framework: MOF_FRAMEWORK,
    release: {
      name: 'Amber',
      version: '7B',
      date: '2025-05-22',
      type: 'language',
      architecture: 'transformer decoder',
      origin: 'Amber',
      producer: 'LLM360',
      contact: '',
      repository: 'https://github.com/LLM360/amber-train',
      huggingface: 'https://huggingface.co/LLM360/Amber',
      license: { distribution: { name: 'Apache-2.0', path: '' } },
      components: [
        component('Model architecture'),
        component('Data preprocessing code'),
        component('Training code'),
        component('Inference code'),
        component('Evaluation code'),
        component('Model parameters (Final)'),
        component('Model parameters (Intermediate)'),
        component('Datasets', { license: 'MIT' }),
        component('Evaluation data'),
        component('Model card'),
        component('Data card'),
        component('Technical report'),
        component('Research paper', { component_path: 'arxiv license' }),
        component('Evaluation results'),
      ],
    },
    classification: {
      id: '1130',
      class: 1,
      label: 'Class I - Open Science',
      progress: { '1': 100, '2': 100, '3': 100 },
    },
  },
  {
    // The id only in `classification`, a pasted page title after the HF link, per-type globals.
    framework: MOF_FRAMEWORK,
    release: {
      name: 'Llama-3.1-8B',
      version: '8B',
      date: '2025-05-26',
      type: 'language',
      producer: 'Meta',
      huggingface: 'https://huggingface.co/meta-llama/Llama-3.1-8B · Hugging Face',
      license: {
        distribution: {
          name: 'Llama 3.1 Community License Agreement',
          path: 'https://llama.meta.com/llama3_1/license',
        },
        code: { name: 'Apache-2.0', path: '' },
      },
      components: [
        component('Model architecture'),
        component('Model parameters (Final)'),
        component('Model card', { license: 'unlicensed' }),
        component('Technical report'),
        component('Sample model outputs'),
        component('Made-up component'),
      ],
    },
    classification: { id: 1131, class: 0, label: 'Unclassified', progress: { '1': 0, '2': 0, '3': 16.7 } },
  },
  {
    // PHP serializes an empty map as [], and this record is still pending evaluation.
    id: 1132,
    framework: MOF_FRAMEWORK,
    release: { name: 'Pending-Model', huggingface: 'https://huggingface.co/datasets/acme/corpus', license: [] },
    classification: { id: 1132, class: -1, label: 'Pending evaluation', progress: [0, 0, 0] },
  },
  { id: '1133', framework: MOF_FRAMEWORK, release: { version: '1' }, classification: { class: 0 } },
];

/** Files of the Index's data repository. */
export const OSAI_FIXTURE_FILES: Readonly<Record<string, string>> = {
  '_parameters.yml': `- name: Availability
  ref: availability
  params:
    - ref: datasources_basemodel
      name: Base Model Data
      types: ['text', 'image','code','video','audio']
    - ref: weights_endmodel
      name: End User Model Weights
      types: ['text', 'image','code','video','audio']
    - ref: trainingcode
      name: Training Code
      types: ['text','code']
- name: Access
  ref: access
  params:
    - ref: licenses
      name: Licenses
      types: ['text', 'image','code','video','audio']
`,
  'Alpha Model.yaml': `---
# a comment, as the real files start with
system:
    name: Alpha
    link: https://huggingface.co/acme/Alpha-7B-Instruct
    type: text
    performanceclass: full
    basemodelname: Alpha-7B
    endmodelname: Alpha-7B-Instruct
    endmodellicense: Apache-2.0
    releasedate: 2025-01

org:
    name: Acme
    link: https://acme.example
    notes: A lab.

datasources_basemodel:
    class: open
    link: https://huggingface.co/datasets/acme/corpus
    notes: All data published.

weights_endmodel:
    class: open
    link: ["https://huggingface.co/acme/Alpha-7B", "https://huggingface.co/acme/Alpha-7B-Instruct"]
    notes: Weights on the hub.

trainingcode:
    class: open
    link: https://github.com/acme/alpha
    notes:

licenses:
    class: open
    link:
    notes: "Weights: Apache-2.0. Code: Apache-2.0. Data: ODC-By-1.0."
`,
  'beta.yaml': `system:
    name: Beta 2
    link: https://beta.example/models
    type: image
    endmodelname: Beta-2-XL
    endmodellicense: Beta Community License

org:
    name: Beta Corp

datasources_basemodel:
    class: closed
    link:
    notes: Nothing disclosed.

weights_endmodel:
    class: partial
    link: https://huggingface.co/beta/Beta-2-XL
    notes: Gated download.

trainingcode:
    class: closed

licenses:
    class: closed
    link:
    notes: Bespoke community license.

package:
    class: partial
`,
  'gamma.yaml': `system:
    link: https://huggingface.co/gamma/Gamma
org:
    name: Gamma
`,
  'a_submission_template.yaml': `system:
    name:
    link:
`,
  'readme.md': '# European Open Source AI Index main database\n',
};
