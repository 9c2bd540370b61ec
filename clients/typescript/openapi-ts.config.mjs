// @hey-api/openapi-ts settings for clients/typescript (make sdk). Imports end in .js: NodeNext resolution.
export default {
  input: '../../openapi/v1.json',
  output: { path: 'src/gen', importFileExtension: '.js' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
};
