// Grounded generation: evidence loading, figures, template/LLM documents, OpenAI-compatible client.
export { parseBrief, bullets, type Brief } from './brief';
export { loadEvidence, evidenceFromItems, readTextFile, cite, citeLink, type EvidenceItem, type EvidenceSet } from './evidence';
export { computeInsights, type Insights, type Persona } from './insights';
export { generateDocument, enforceLimits, type GenerateDocInput, type CopyVariant } from './document';
export { OpenAICompatibleGenerator, HttpError, SseParser, chatCompletionsUrl, displayEndpoint, MAX_CHARS_PER_TOKEN, type OpenAIOptions } from './openai';
export { LocalGenerator, type GenerateRuntimeLike } from './local';
export { EvidenceVerifier, UNVERIFIED_FLAG } from './verify';
export * from './types';
