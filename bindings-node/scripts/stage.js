#!/usr/bin/env node
// Lays out the two npm packages a release publishes (the napi-rs layout), in DIR:
//   DIR/cardboss/        the main package: JS, types, native.js; no binary, and an
//                        optionalDependency on each platform package (npm installs the one
//                        whose os/cpu/libc match the user's machine)
//   DIR/linux-x64-gnu/   @cardboss/linux-x64-gnu: cardboss.linux-x64-gnu.node (glibc >= 2.17)
// from this folder's package.json and the addon `npm run build` left here.
// Usage: node scripts/stage.js DIR
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const repo = path.join(root, '..')
const dir = process.argv[2]
if (!dir) throw new Error('usage: node scripts/stage.js DIR')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const platforms = [{ key: 'linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' }]

const copy = (from, to) => fs.copyFileSync(from, to)
const write = (file, json) => fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n')
const common = ['version', 'license', 'keywords', 'homepage', 'repository', 'bugs', 'engines']
const pick = (keys) => Object.fromEntries(keys.filter((k) => k in pkg).map((k) => [k, pkg[k]]))

const main = path.join(dir, 'cardboss')
fs.mkdirSync(main, { recursive: true })
const files = pkg.files.filter((f) => !f.endsWith('.node'))
// Every entry point of "exports" (cardboss, cardboss/testing, cardboss/express, ...) and every
// file they require relatively (push-http.js) must be among the files shipped.
const shipped = new Set(files.map((f) => `./${f}`))
const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
for (const f of files.filter((f) => f.endsWith('.js'))) {
  for (const [, dep] of fs.readFileSync(path.join(root, f), 'utf8').matchAll(/require\('(\.\/[^']+)'\)/g)) targets.push(dep)
}
const unshipped = [...new Set(targets)].filter((t) => !shipped.has(t) && t !== './package.json')
if (unshipped.length) throw new Error(`package.json "files" lacks ${unshipped.join(', ')} (named by "exports" or required by a shipped file)`)
for (const f of files) copy(path.join(root, f), path.join(main, f))
copy(path.join(root, 'README.md'), path.join(main, 'README.md'))
copy(path.join(repo, 'LICENSE'), path.join(main, 'LICENSE'))
write(path.join(main, 'package.json'), {
  name: pkg.name,
  description: pkg.description,
  ...pick(common),
  main: pkg.main,
  types: pkg.types,
  exports: pkg.exports,
  files,
  optionalDependencies: Object.fromEntries(platforms.map((p) => [`@cardboss/${p.key}`, pkg.version])),
})

for (const p of platforms) {
  const out = path.join(dir, p.key)
  const binary = `cardboss.${p.key}.node`
  if (!fs.existsSync(path.join(root, binary))) throw new Error(`no ${binary}: run \`npm run build\` first`)
  fs.mkdirSync(out, { recursive: true })
  copy(path.join(root, binary), path.join(out, binary))
  copy(path.join(repo, 'LICENSE'), path.join(out, 'LICENSE'))
  fs.writeFileSync(path.join(out, 'README.md'), `# @cardboss/${p.key}\n\nThe prebuilt native addon of [cardboss](https://www.npmjs.com/package/cardboss) for ${p.key}. Install \`cardboss\`, not this package.\n`)
  write(path.join(out, 'package.json'), {
    name: `@cardboss/${p.key}`,
    description: `The cardboss native addon for ${p.key}`,
    ...pick(common),
    os: [p.os],
    cpu: [p.cpu],
    libc: [p.libc],
    main: binary,
    files: [binary],
  })
}
console.log(`stage.js: cardboss and ${platforms.map((p) => `@cardboss/${p.key}`).join(', ')} in ${dir}`)
