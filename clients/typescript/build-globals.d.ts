// For the build only (tsconfig.json: lib ES2022 and Node's types, no DOM): the one DOM name the generated
// fetch client's code uses that Node's types do not declare globally. Not part of dist/: the emitted .d.ts
// files do not use it, so a consumer needs neither the DOM lib nor this.
type BodyInit = NonNullable<RequestInit['body']>;
