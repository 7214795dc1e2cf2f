import { defineProject } from '../../project/index.ts';
import { xinjiangFoundations } from './foundations.ts';
import { xinjiangModels } from './models.ts';
import { xinjiangPipelines } from './pipelines.ts';
import { xinjiangQuality } from './quality.ts';

/** The example region: the Xinjiang Uygur Autonomous Region platform node and its department pipelines. */
export default defineProject({
  name: 'xinjiang',
  title: '新疆维吾尔自治区公共数据平台（示例）',
  node: { id: '650000', level: 'region', name: '新疆维吾尔自治区' },
  pipelines: xinjiangPipelines(),
  quality: xinjiangQuality,
  foundations: xinjiangFoundations,
  models: xinjiangModels(),
});
