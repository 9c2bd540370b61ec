// @hey-api/openapi-ts settings for clients/typescript (make sdk). Imports end in .js: NodeNext resolution.
// throwOnError: the generated functions resolve to `{ data, request, response }` with `data` the success type
// alone, and throw on an error status (as `ApiError`, once `connect()` installed runtime.ts's interceptor).
export default {
  input: '../../openapi/v1.json',
  output: { path: 'src/gen', importFileExtension: '.js' },
  plugins: [{ name: '@hey-api/client-fetch', throwOnError: true }, '@hey-api/typescript', '@hey-api/sdk'],
};
