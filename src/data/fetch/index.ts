/** `perpsim data fetch`: venue downloads into the data layout the readers use. */
export { fetchData, type FetchOptions, type FetchEvent, type FetchReport, type SeriesResult } from "./run.ts";
export { type FetchKind, FETCH_KINDS } from "./rows.ts";
export { type FetchVenue, FETCH_VENUES } from "./venue.ts";
