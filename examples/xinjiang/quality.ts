/**
 * Declared quality rules of the example region that the catalog cannot imply: the business rule that a
 * household registration (登记日期) or a social-security enrolment (参保日期) older than three years is stale.
 */
import { defineQuality, freshness } from '../../quality/index.ts';

/** The example region's declared rules (the catalog derives the rest). */
export const xinjiangQuality = [
  defineQuality('hukou', { rules: [freshness('registered_on', { maxAge: '3 years' })] }),
  defineQuality('social_security', { rules: [freshness('enrolled_on', { maxAge: '3 years' })] }),
];
