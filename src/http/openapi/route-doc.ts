// The shape of one row of the OpenAPI route table (a leaf, so route lists import it without cycles).

export interface ResponseDoc {
  description: string;
  /** A name in components.schemas. */
  schema?: string;
  contentType?: string;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  operationId: string;
  tag: 'service' | 'generate' | 'stream' | 'openai' | 'dialects' | 'meta';
  summary: string;
  description?: string;
  pathParams?: string[];
  query?: 'readyQuery' | 'streamStartQuery' | 'streamChunkQuery' | 'streamEventsQuery' | 'wsQuery';
  body?: string;
  bodyRequired?: boolean;
  responses: Record<string, ResponseDoc>;
}
