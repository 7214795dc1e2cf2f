import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { definitionErrorFromZod } from '../../schemas/index.ts';

/** What a signing hook sees: the request about to be sent (called again before every retry). */
export interface SignRequest {
  readonly method: 'GET' | 'POST';
  /** The full URL, pagination parameters included (a copy: changing it has no effect). */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body text for POST, else undefined. */
  readonly body: string | undefined;
  /** Milliseconds since the epoch, fresh for each attempt. */
  readonly timestamp: number;
  /** 32 random hex characters, fresh for each attempt. */
  readonly nonce: string;
}

/** What a signing hook adds: headers and/or query parameters (secret-looking names such as sign are redacted). */
export interface SignResult {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/** A request-signing hook; an optional `description` (no secrets) is shown by `describe()`. */
export type SignFunction = ((request: SignRequest) => SignResult | Promise<SignResult>) & {
  readonly description?: string;
};

/** Field orders `appSignature` can sign; `secret` is left out of the message for hmac-sha256. */
export const APP_SIGN_FIELDS = [
  'appId+timestamp+secret',
  'appId+secret+timestamp',
  'appId+timestamp+nonce+secret',
] as const;

/** The options of `appSignature({ … })`. */
export const appSignatureSchema = z.strictObject({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  algorithm: z
    .enum(['md5', 'sha256', 'hmac-sha256', 'sm3'])
    .default('md5')
    .meta({ description: 'defaults to md5.' }),
  fields: z.enum(APP_SIGN_FIELDS).default('appId+timestamp+secret').meta({
    description: 'defaults to appId+timestamp+secret: the concatenation order of the signed string.',
  }),
  timestampUnit: z
    .enum(['ms', 's'])
    .default('ms')
    .meta({ description: 'defaults to ms (13 digits); s = 10 digits.' }),
  uppercase: z.boolean().default(false).meta({ description: 'defaults to false: lower-case hex.' }),
  in: z.enum(['header', 'query']).default('header').meta({ description: 'defaults to header.' }),
  names: z
    .strictObject({
      appId: z.string().min(1).default('appId'),
      timestamp: z.string().min(1).default('timestamp'),
      sign: z.string().min(1).default('sign'),
      nonce: z.string().min(1).default('nonce'),
    })
    .default({ appId: 'appId', timestamp: 'timestamp', sign: 'sign', nonce: 'nonce' })
    .meta({ description: 'defaults to appId / timestamp / sign / nonce: the header or parameter names.' }),
});

/** What `appSignature()` accepts. */
export type AppSignatureInput = z.input<typeof appSignatureSchema>;

/** Parsed `appSignature()` options. */
export type AppSignatureOptions = z.output<typeof appSignatureSchema>;

/**
 * The signature of the common provincial scheme, as lower- or upper-case hex. The signed string is the UTF-8
 * concatenation, without separators, of the fields in `fields` order, e.g. for `appId+timestamp+secret`:
 * `appId + timestamp + appSecret` (timestamp as decimal digits in `timestampUnit`). md5, sha256 and sm3 hash
 * that string; hmac-sha256 keys the HMAC with appSecret and signs the same string without the secret.
 */
export function computeAppSign(options: AppSignatureOptions, timestamp: string, nonce: string): string {
  const parts = options.fields.split('+').flatMap((field) => {
    if (field === 'appId') return [options.appId];
    if (field === 'timestamp') return [timestamp];
    if (field === 'nonce') return [nonce];
    return options.algorithm === 'hmac-sha256' ? [] : [options.appSecret];
  });
  const message = parts.join('');
  const hex =
    options.algorithm === 'hmac-sha256'
      ? createHmac('sha256', options.appSecret).update(message, 'utf8').digest('hex')
      : createHash(options.algorithm).update(message, 'utf8').digest('hex');
  return options.uppercase ? hex.toUpperCase() : hex;
}

/**
 * A ready-made signing hook for "sign = HASH(appId + timestamp + appSecret)" platforms (see computeAppSign for
 * the exact string). Sends appId, timestamp (and nonce when signed) and sign as headers or query parameters.
 *
 * @example
 * http({ url, records: 'data.list', pagination: { kind: 'page' },
 *   sign: appSignature({ appId: 'A001', appSecret: process.env.APP_SECRET!, algorithm: 'sm3' }) });
 */
export function appSignature(input: AppSignatureInput): SignFunction {
  const parsed = appSignatureSchema.safeParse(input);
  if (!parsed.success) throw definitionErrorFromZod(parsed.error, { object: 'appSignature()' });
  const options = Object.freeze(parsed.data);
  const { names } = options;
  const withNonce = options.fields.includes('nonce');
  const sign = (request: SignRequest): SignResult => {
    const timestamp = String(
      options.timestampUnit === 's' ? Math.floor(request.timestamp / 1000) : request.timestamp,
    );
    const values: Record<string, string> = {
      [names.appId]: options.appId,
      [names.timestamp]: timestamp,
      ...(withNonce ? { [names.nonce]: request.nonce } : {}),
      [names.sign]: computeAppSign(options, timestamp, request.nonce),
    };
    return options.in === 'header' ? { headers: values } : { query: values };
  };
  const description = `appSignature(${options.algorithm} of ${options.fields}, appId=${options.appId}, in ${options.in})`;
  return Object.assign(sign, { description });
}
