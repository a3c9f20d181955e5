import { describe, expect, it } from 'vitest';
import type { LicenseCategory } from '../types.js';
import { resolveLicense } from './index.js';
import { ambiguousCores } from './license.registry.js';
import { recognizeLicenseText } from './license-text.recognizer.js';

/** Short excerpts of real license files: their title block, or the distinctive sentence. */
const EXCERPTS: readonly (readonly [label: string, text: string, id: string, category: LicenseCategory])[] = [
  [
    'Apache 2.0',
    `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION`,
    'Apache-2.0',
    'PERMISSIVE',
  ],
  [
    'MIT',
    `MIT License

Copyright (c) 2024 Example AI

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software.

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.`,
    'MIT',
    'PERMISSIVE',
  ],
  [
    'MIT that mentions Apache further down',
    `Copyright (c) 2024 Example AI

Permission is hereby granted, free of charge, to any person obtaining a copy of this software.
The above copyright notice and this permission notice shall be included in all copies.

Portions of the tokenizer come from a project under the Apache License, Version 2.0.`,
    'MIT',
    'PERMISSIVE',
  ],
  [
    'BSD 2-clause',
    `Copyright (c) 2020, The Authors
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice.
2. Redistributions in binary form must reproduce the above copyright notice.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"`,
    'BSD-2-Clause',
    'PERMISSIVE',
  ],
  [
    'BSD 3-clause',
    `Redistribution and use in source and binary forms, with or without modification,
are permitted provided that the following conditions are met:
...
3. Neither the name of the copyright holder nor the names of its contributors may be
used to endorse or promote products derived from this software without specific
prior written permission.`,
    'BSD-3-Clause',
    'PERMISSIVE',
  ],
  [
    'BSD 3-clause clear',
    `The Clear BSD License

Redistribution and use in source and binary forms, with or without
modification, are permitted (subject to the limitations in the disclaimer
below) provided that the following conditions are met:
     * Neither the name of the copyright holder nor the names of its
     contributors may be used to endorse or promote products derived from this
     software without specific prior written permission.

NO EXPRESS OR IMPLIED LICENSES TO ANY PARTY'S PATENT RIGHTS ARE GRANTED BY
THIS LICENSE.`,
    'BSD-3-Clause-Clear',
    'PERMISSIVE',
  ],
  [
    'ISC',
    `ISC License

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.`,
    'ISC',
    'PERMISSIVE',
  ],
  [
    'GPL 2',
    `                    GNU GENERAL PUBLIC LICENSE
                       Version 2, June 1991

 Copyright (C) 1989, 1991 Free Software Foundation, Inc.`,
    'GPL-2.0-only',
    'COPYLEFT',
  ],
  [
    'GPL 3',
    `                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007`,
    'GPL-3.0-only',
    'COPYLEFT',
  ],
  [
    'LGPL 3',
    `                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.`,
    'LGPL-3.0-only',
    'COPYLEFT',
  ],
  [
    'AGPL 3',
    `                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007`,
    'AGPL-3.0-only',
    'COPYLEFT',
  ],
  [
    'MPL 2.0',
    `Mozilla Public License Version 2.0
==================================

1. Definitions`,
    'MPL-2.0',
    'COPYLEFT',
  ],
  [
    'EPL 2.0',
    'Eclipse Public License - v 2.0\n\n    THE ACCOMPANYING PROGRAM IS PROVIDED UNDER THE TERMS',
    'EPL-2.0',
    'COPYLEFT',
  ],
  ['EUPL 1.2', 'EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016', 'EUPL-1.2', 'COPYLEFT'],
  ['Boost', 'Boost Software License - Version 1.0 - August 17th, 2003', 'BSL-1.0', 'PERMISSIVE'],
  [
    'Unlicense',
    'This is free and unencumbered software released into the public domain.\n\nAnyone is free to copy, modify',
    'Unlicense',
    'PUBLIC_DOMAIN',
  ],
  [
    'zlib',
    `This software is provided 'as-is', without any express or implied warranty.
2. Altered source versions must be plainly marked as such, and must not be
   misrepresented as being the original software.`,
    'Zlib',
    'PERMISSIVE',
  ],
  [
    'CC BY 4.0',
    `Attribution 4.0 International

Creative Commons Corporation ("Creative Commons") is not a law firm and
does not provide legal services or legal advice.

Creative Commons Attribution 4.0 International Public License`,
    'CC-BY-4.0',
    'PERMISSIVE',
  ],
  [
    'CC BY-SA 4.0',
    'Creative Commons Attribution-ShareAlike 4.0 International Public License',
    'CC-BY-SA-4.0',
    'COPYLEFT',
  ],
  [
    'CC BY-NC-SA 4.0',
    `Attribution-NonCommercial-ShareAlike 4.0 International

Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International
Public License`,
    'CC-BY-NC-SA-4.0',
    'NON_COMMERCIAL',
  ],
  [
    'CC BY-NC-ND 3.0',
    'Creative Commons Legal Code\n\nAttribution-NonCommercial-NoDerivs 3.0 Unported',
    'CC-BY-NC-ND-3.0',
    'NON_COMMERCIAL',
  ],
  [
    'CC BY-ND 4.0',
    'Creative Commons Attribution-NoDerivatives 4.0 International Public License',
    'CC-BY-ND-4.0',
    'NO_DERIVATIVES',
  ],
  [
    'CC0',
    'Creative Commons Legal Code\n\nCC0 1.0 Universal\n\n    CREATIVE COMMONS CORPORATION IS NOT A LAW FIRM',
    'CC0-1.0',
    'PUBLIC_DOMAIN',
  ],
  ['ODbL', '## ODC Open Database License (ODbL)\n\n### Preamble', 'ODbL-1.0', 'COPYLEFT'],
  [
    'CDLA Permissive 2.0',
    'Community Data License Agreement - Permissive - Version 2.0\n\nThis is the Community Data License Agreement',
    'CDLA-Permissive-2.0',
    'PERMISSIVE',
  ],
  [
    'Llama 2',
    'LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023',
    'LicenseRef-llama2',
    'COMMUNITY',
  ],
  [
    'Llama 3',
    'META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 18, 2024',
    'LicenseRef-llama3',
    'COMMUNITY',
  ],
  [
    'Llama 3.1',
    'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024',
    'LicenseRef-llama3.1',
    'COMMUNITY',
  ],
  [
    'Llama 3.2',
    'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024',
    'LicenseRef-llama3.2',
    'COMMUNITY',
  ],
  [
    'Llama 3.3',
    'LLAMA 3.3 COMMUNITY LICENSE AGREEMENT\nLlama 3.3 Version Release Date: December 6, 2024',
    'LicenseRef-llama3.3',
    'COMMUNITY',
  ],
  [
    'Llama 4',
    'LLAMA 4 COMMUNITY LICENSE AGREEMENT\nLlama 4 Version Effective Date: April 5, 2025',
    'LicenseRef-llama4',
    'COMMUNITY',
  ],
  [
    'LLaMA (1)',
    `LLaMA LICENSE AGREEMENT
This License Agreement (as may be amended in accordance with this License Agreement, "License"),
between you and Meta Platforms, Inc. ("Meta") applies to your use of any computer program.
Meta grants you a limited license to reproduce, distribute, and create derivative works of the
Software solely for your non-commercial research purposes.`,
    'LicenseRef-llama-license',
    'NON_COMMERCIAL',
  ],
  ['Gemma', 'Gemma Terms of Use\n\nLast modified: March 24, 2025', 'LicenseRef-gemma', 'COMMUNITY'],
  [
    'Qwen',
    'Tongyi Qianwen LICENSE AGREEMENT\n\nTongyi Qianwen Release Date: August 3, 2023',
    'LicenseRef-tongyi-qianwen',
    'COMMUNITY',
  ],
  [
    'Qwen research',
    'Qwen RESEARCH LICENSE AGREEMENT\n\nQwen RESEARCH LICENSE AGREEMENT Release Date: September 19, 2024',
    'LicenseRef-qwen-research',
    'NON_COMMERCIAL',
  ],
  ['DeepSeek', 'DEEPSEEK LICENSE AGREEMENT\n\nVersion 1.0, 23 October 2023', 'LicenseRef-deepseek', 'COMMUNITY'],
  ['Falcon 3', 'TII Falcon-LLM License 2.0\n\nDecember 2024', 'LicenseRef-falcon-llm-license', 'COMMUNITY'],
  [
    'Falcon 180B',
    'Falcon 180B TII License Version 1.0\nSeptember 2023',
    'LicenseRef-falcon-180b-tii-license',
    'COMMUNITY',
  ],
  [
    'NVIDIA',
    'NVIDIA Open Model License Agreement\n\nLast Modified: October 24, 2025',
    'LicenseRef-nvidia-open-model-license',
    'COMMUNITY',
  ],
  [
    'Grok 2',
    'Grok 2 Community License Agreement\nLast Updated: August 23, 2025',
    'LicenseRef-grok2-community',
    'COMMUNITY',
  ],
  ['BAAI Aquila', 'BAAI Aquila Model Licence Agreement', 'LicenseRef-baai-aquila-model-license', 'COMMUNITY'],
  [
    'Stability AI community',
    'STABILITY AI COMMUNITY LICENSE AGREEMENT\nLast Updated: July 5, 2024',
    'LicenseRef-stabilityai-community',
    'COMMUNITY',
  ],
  [
    'CreativeML OpenRAIL-M',
    'Copyright (c) 2022 Robin Rombach and Patrick Esser and contributors\n\nCreativeML Open RAIL-M\ndated August 22, 2022',
    'LicenseRef-creativeml-openrail-m',
    'OPEN_RAIL',
  ],
  [
    'OpenRAIL++',
    'Copyright (c) 2023 Stability AI\nCreativeML Open RAIL++-M License dated July 26, 2023',
    'LicenseRef-openrail-pp',
    'OPEN_RAIL',
  ],
  [
    'BigCode',
    'BigCode Open RAIL-M v1 License Agreement\n\nSection I: PREAMBLE',
    'LicenseRef-bigcode-openrail-m',
    'OPEN_RAIL',
  ],
  ['BLOOM', 'BigScience RAIL License v1.0\ndated May 19, 2022', 'LicenseRef-bigscience-bloom-rail-1.0', 'OPEN_RAIL'],
  [
    'FAIR noncommercial',
    'FAIR Noncommercial Research License\nLast Updated: [April 2025]',
    'LicenseRef-fair-noncommercial-research-license',
    'NON_COMMERCIAL',
  ],
  [
    'DeepFloyd',
    'DEEPFLOYD IF LICENSE AGREEMENT\nThis License Agreement (as may be amended',
    'LicenseRef-deepfloyd-if-license',
    'NON_COMMERCIAL',
  ],
  [
    'OpenMDW',
    'OpenMDW License Agreement, version 1.0 (OpenMDW-1.0)\n\nBy exercising rights granted',
    'OpenMDW-1.0',
    'PERMISSIVE',
  ],
  ['an SPDX tag', '# SPDX-License-Identifier: Apache-2.0 OR MIT\n', 'Apache-2.0 OR MIT', 'PERMISSIVE'],
  [
    'a title line only',
    'Stable Beluga Non-Commercial Community License Agreement\n\nDated July 2023',
    'LicenseRef-stable-beluga-non-commercial-community-license-agreement',
    'NON_COMMERCIAL',
  ],
];

describe('LICENSE text recognition', () => {
  it.each(EXCERPTS)('%s', (_label, text, id, category) => {
    const { license, evidence } = resolveLicense({
      hubLicense: 'other',
      source: 'cardData.license',
      licenseText: text,
    });
    expect(license).toMatchObject({ id, category, hubValue: 'other' });
    expect(evidence[0]).toMatchObject({ rule: 'license.text', source: 'file:LICENSE', status: category });
  });

  it('does not recognize what it does not know, and says so', () => {
    const text = 'Copyright 2024 Example Corp.\n\nYou may use these weights only with our written permission.';
    expect(recognizeLicenseText(text)).toEqual({
      title: 'You may use these weights only with our written permission.',
    });
    const { license, evidence } = resolveLicense({
      hubLicense: 'other',
      source: 'cardData.license',
      licenseText: text,
    });
    expect(license).toMatchObject({ id: 'LicenseRef-other', category: 'UNKNOWN' });
    expect(evidence[0]?.rule).toBe('license.unresolved');
  });

  it('returns null for an empty file and never throws on binary content', () => {
    expect(recognizeLicenseText('  \n\n ')).toBeNull();
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => i % 256));
    expect(() => resolveLicense({ hubLicense: 'other', source: 's', licenseText: binary })).not.toThrow();
  });

  it('needs the GNU version line to pin a version', () => {
    expect(recognizeLicenseText('GNU GENERAL PUBLIC LICENSE\n\nsee https://www.gnu.org/licenses/')).toEqual({
      title: 'GNU GENERAL PUBLIC LICENSE',
    });
    const { license } = resolveLicense({ hubLicense: 'gpl', source: 's', licenseText: 'GNU GENERAL PUBLIC LICENSE' });
    expect(license.id).toBe('LicenseRef-gpl');
  });
});

describe('the name index', () => {
  it('has no name that two licenses claim', () => {
    expect(ambiguousCores()).toEqual([]);
  });
});
