/**
 * The simulated app's input form (`GET /parameters` `user_input_form`) and Dify's check of a new
 * conversation's `inputs` against it. Items carry Dify's `VariableEntity` keys
 * (api/core/app/app_config/entities.py), `max_length` included, which the published document
 * leaves out. The demo form has no required field, so a send with `inputs: {}` works; tests
 * switch one on with the simulator's `setInputForm`.
 */
import type { SimulatorReply } from '../http-server.js';

/** One `user_input_form` item: `{ "<kind>": settings }`. */
export type DifyFormItem = Record<string, Record<string, unknown>>;

/** The demo app's input form. */
export function demoInputForm(): DifyFormItem[] {
  return [
    { 'text-input': { label: 'Company', variable: 'company', required: false, max_length: 48, default: '' } },
    { select: { label: 'Plan of interest', variable: 'plan_interest', required: false, options: ['starter', 'growth', 'enterprise'], default: '' } },
    { number: { label: 'Team size', variable: 'team_size', required: false, default: '' } },
    { paragraph: { label: 'Anything we should know?', variable: 'context', required: false, max_length: 1000, default: '' } },
  ];
}

/**
 * Dify's own check of a new conversation's `inputs` (base_app_generator.py `_validate_inputs`),
 * raised as a ValueError, which Dify answers with 400 `invalid_param`: required, string kinds,
 * select options, `max_length`, numbers. Unknown keys are not refused.
 */
export function inputsProblem(form: DifyFormItem[], inputs: Record<string, unknown>): SimulatorReply | undefined {
  for (const item of form) {
    const [kind, field] = Object.entries(item)[0]!;
    const variable = String(field.variable);
    const value = inputs[variable];
    const fail = (message: string) => ({ status: 400, body: { code: 'invalid_param', message, status: 400 } });
    if (value === undefined || value === null) {
      if (field.required) return fail(`${variable} is required in input form`);
      continue;
    }
    if (['text-input', 'select', 'paragraph'].includes(kind) && typeof value !== 'string') {
      return fail(`(type '${kind}') ${variable} in input form must be a string`);
    }
    if (kind === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isFinite(Number(value))) {
      return fail(`${variable} in input form must be a valid number`);
    }
    if (kind === 'select' && !(field.options as string[]).includes(value as string)) {
      return fail(`${variable} in input form must be one of the following: ${JSON.stringify(field.options)}`);
    }
    const max = Number(field.max_length ?? 0);
    if ((kind === 'text-input' || kind === 'paragraph') && max > 0 && [...(value as string)].length > max) {
      return fail(`${variable} in input form must be less than ${max} characters`);
    }
  }
  return undefined;
}
