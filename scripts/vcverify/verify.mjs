// Verifies credentials issued by Shishi with an independent implementation:
// Digital Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite
// and the Bitstring Status List checker. It runs offline: the W3C contexts
// come from their npm packages, and everything Shishi published (DID
// documents, type contexts, status list credentials) from DOCS.json, which
// the Go test fetched from the running server.
//
// usage: node verify.mjs DOCS.json CREDENTIAL.json...
// prints one JSON line per credential: {"file", "verified", "error"}
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import didContext from 'did-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const [docsFile, ...files] = process.argv.slice(2);
const published = JSON.parse(fs.readFileSync(docsFile, 'utf8'));
const known = new Map([...credentialContexts, ...didContext.contexts, ...multikeyContext.contexts]);

async function documentLoader(url) {
  if(known.has(url)) {
    return {contextUrl: null, documentUrl: url, document: known.get(url)};
  }
  if(url in published) {
    return {contextUrl: null, documentUrl: url, document: published[url]};
  }
  const [did, fragment] = url.split('#');
  if(fragment && did in published) {
    const doc = published[did];
    const vm = (doc.verificationMethod || []).find(m => m.id === url);
    if(vm) {
      return {contextUrl: null, documentUrl: url, document: {'@context': doc['@context'], ...vm}};
    }
  }
  throw new Error(`offline: ${url} is not known`);
}

const suite = new DataIntegrityProof({cryptosuite});

// A status bit that is set fails the check (the library reports the bit
// and leaves the verdict to its caller).
async function statusCheck(options) {
  const r = await checkStatus({...options, suite, verifyBitstringStatusListCredential: true});
  if(!r.verified) {
    return r;
  }
  const set = r.results.filter(x => x.status).map(x => x.credentialStatus.statusPurpose);
  if(set.length > 0) {
    return {verified: false, error: new Error(`status set: ${set.join(', ')}`)};
  }
  return r;
}

for(const file of files) {
  const credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  let out;
  try {
    const r = await vc.verifyCredential({credential, suite, documentLoader, checkStatus: statusCheck});
    const err = r.error || (r.statusResult && r.statusResult.error) ||
      (r.results || []).map(x => x.error).find(Boolean);
    out = {file, verified: r.verified, error: r.verified ? '' : String(err && (err.message || err))};
  } catch(e) {
    out = {file, verified: false, error: String(e && e.message || e)};
  }
  console.log(JSON.stringify(out));
}
