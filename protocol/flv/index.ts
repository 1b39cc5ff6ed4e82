// FLV (Video File Format Specification v10.1, Annex E): constants, muxer, resumable demuxer and
// tag-body codecs, re-exported for callers that want the whole format in one import.
export * from './constants.ts';
export type * from './types.ts';
export * from './muxer.ts';
export * from './demuxer.ts';
export * from './tag-body.ts';
