import { execFileSync } from 'node:child_process';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { projectRoot } from '../../src/paths';

/**
 * Checks a served OpenAPI 3.1 document, and real HTTP exchanges against it, with standard
 * validators: @seriousme/openapi-schema-validator for the document, Ajv's JSON Schema 2020-12
 * (the dialect of OpenAPI 3.1) for bodies, parameters and headers.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

/** One request the tests made and the answer they got. */
export interface Exchange {
  method: string;
  /** Path as requested, with the /api/v1 prefix, without query. */
  path: string;
  requestHeaders: Record<string, string>;
  /** The JSON body sent, when it was JSON. */
  requestBody?: Json;
  status: number;
  responseHeaders: Record<string, string | string[] | undefined>;
  responseBody: Json;
}

/**
 * Validates the document against the OpenAPI 3.1 meta-schema. The validator is an ES module that
 * Jest's CommonJS runtime cannot load, so it runs in a child Node process.
 */
export function validateDocument(document: JsonObject): { valid: boolean; errors?: unknown } {
  const script = [
    "import { Validator } from '@seriousme/openapi-schema-validator';",
    "let text = ''; for await (const chunk of process.stdin) text += chunk;",
    'const result = await new Validator().validate(JSON.parse(text));',
    'process.stdout.write(JSON.stringify(result));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: projectRoot,
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { valid: boolean; errors?: unknown };
}

const DOC_ID = 'https://lentera.test/openapi.json';

const pointerPart = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const mediaTypeOf = (header: string | string[] | undefined) =>
  String(Array.isArray(header) ? header[0] : (header ?? ''))
    .split(';')[0]!
    .trim()
    .toLowerCase();

interface Operation {
  operationId: string;
  pointer: string;
  params: Record<string, string>;
  node: JsonObject;
}

export function createConformance(document: JsonObject) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOC_ID);
  const compiled = new Map<string, ValidateFunction>();

  /** A validator for the schema at `pointer` in the document, its $refs resolved within the document. */
  function validatorAt(pointer: string): ValidateFunction {
    let fn = compiled.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      compiled.set(pointer, fn);
    }
    return fn;
  }

  function errorsOf(pointer: string, value: Json): string[] {
    const validate = validatorAt(pointer);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${pointer}: ${e.instancePath} ${e.message ?? ''}`);
  }

  function at(pointer: string): Json {
    return pointer
      .split('/')
      .slice(1)
      .reduce<Json>((node, part) => (node as JsonObject | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }

  /** Follows a `$ref` to a component (a response, a header), returning where it landed. */
  function resolve(pointer: string): { pointer: string; node: JsonObject } {
    const node = at(pointer) as JsonObject;
    if (node && typeof node.$ref === 'string') return resolve(node.$ref.replace(/^#/, ''));
    return { pointer, node };
  }

  const servers = document.servers as { url: string }[];
  const basePath = new URL(servers[0]!.url).pathname.replace(/\/$/, '');
  const paths = document.paths as Record<string, Record<string, JsonObject>>;

  function operationFor(method: string, requestPath: string): Operation | undefined {
    if (!requestPath.startsWith(`${basePath}/`)) return undefined;
    const rest = requestPath.slice(basePath.length);
    for (const [template, item] of Object.entries(paths)) {
      const names: string[] = [];
      const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
      const match = pattern.exec(rest);
      const node = item[method.toLowerCase()];
      if (!match || !node) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
      return { operationId: node.operationId as string, pointer: `/paths/${pointerPart(template)}/${method.toLowerCase()}`, params, node };
    }
    return undefined;
  }

  const seen = new Set<string>();

  /** Every documented answer, as `operationId status`. */
  function documentedResponses(): string[] {
    return Object.values(paths).flatMap((item) =>
      Object.values(item).flatMap((op) => Object.keys(op.responses as JsonObject).map((status) => `${op.operationId as string} ${status}`)),
    );
  }

  return {
    operationFor,

    /**
     * Problems with an exchange: the path, parameters and (for a request the service took up) the
     * body and request headers must be what the document describes; the status must be documented for the operation,
     * and the response's media type, body and headers must match what is documented for it.
     * Requests refused for their body's content must be ones the document refuses too, except
     * those refused by a rule the document can only state in words (`ruleInWords`: a date of birth
     * after today).
     */
    check(x: Exchange, options: { ruleInWords?: boolean } = {}): string[] {
      const problems: string[] = [];
      const op = operationFor(x.method, x.path);
      if (!op) return [`${x.method} ${x.path} is not an operation of the document`];
      seen.add(`${op.operationId} ${x.status}`);

      const parameters = (op.node.parameters as JsonObject[] | undefined) ?? [];
      parameters.forEach((p, i) => {
        if (p.in === 'path') problems.push(...errorsOf(`${op.pointer}/parameters/${i}/schema`, op.params[p.name as string]));
        if (p.in !== 'header') return;
        // A request header (Idempotency-Key): the service must not take up one the document refuses.
        const value = x.requestHeaders[(p.name as string).toLowerCase()];
        if (value === undefined) {
          if (p.required === true) problems.push(`header ${p.name as string} is required on the request`);
        } else if (x.status < 300) {
          problems.push(...errorsOf(`${op.pointer}/parameters/${i}/schema`, value));
        }
      });

      const secured = (op.node.security ?? document.security) as JsonObject[] | undefined;
      if (secured && secured.length > 0 && x.status !== 401 && !/^Bearer /i.test(x.requestHeaders.authorization ?? '')) {
        problems.push(`${x.status} answered without a bearer token`);
      }

      if (op.node.requestBody) {
        const bodyPointer = `${op.pointer}/requestBody/content/application~1json/schema`;
        const bodyErrors = errorsOf(bodyPointer, x.requestBody);
        const problemType = (x.responseBody as JsonObject | undefined)?.type;
        if (x.status < 300 || x.status === 409 || x.status === 422) problems.push(...bodyErrors);
        if (problemType === 'urn:lentera:problem:validation' && bodyErrors.length === 0 && !options.ruleInWords) {
          problems.push('the service refused a body as invalid that the document accepts');
        }
      }

      const responses = op.node.responses as JsonObject;
      if (!(String(x.status) in responses)) return [...problems, `status ${x.status} is not documented for ${op.operationId}`];
      const answer = resolve(`${op.pointer}/responses/${x.status}`);
      const content = answer.node.content as JsonObject | undefined;
      const mediaType = mediaTypeOf(x.responseHeaders['content-type']);
      if (content) {
        if (!(mediaType in content)) problems.push(`media type ${mediaType} is not documented for ${op.operationId} ${x.status}`);
        else problems.push(...errorsOf(`${answer.pointer}/content/${pointerPart(mediaType)}/schema`, x.responseBody));
      }
      const headers = (answer.node.headers as JsonObject | undefined) ?? {};
      for (const name of Object.keys(headers)) {
        const header = resolve(`${answer.pointer}/headers/${pointerPart(name)}`);
        const value = x.responseHeaders[name.toLowerCase()];
        if (value === undefined) {
          if (header.node.required === true) problems.push(`header ${name} is required on ${op.operationId} ${x.status}`);
          continue;
        }
        problems.push(...errorsOf(`${header.pointer}/schema`, Array.isArray(value) ? value.join(', ') : value));
      }
      return problems;
    },

    /** Problems with an error answer outside the operations (405, unknown paths): still a Problem. */
    checkProblem(x: Exchange): string[] {
      const problems = errorsOf('/components/schemas/Problem', x.responseBody);
      if (mediaTypeOf(x.responseHeaders['content-type']) !== 'application/problem+json') problems.push('not application/problem+json');
      return problems;
    },

    /** Documented answers no exchange has produced yet. */
    unexercised(): string[] {
      return documentedResponses().filter((r) => !seen.has(r));
    },

    /** Problems of a value against one of the document's component schemas. */
    schemaErrors(name: string, value: Json): string[] {
      return errorsOf(`/components/schemas/${name}`, value);
    },
  };
}

export type Conformance = ReturnType<typeof createConformance>;
