// Deploys Hyperlane's own contracts on a dev chain and dispatches through them, for
// hyperlane_compat_test.cpp. The contracts are the compiled artifacts shipped in the npm package
// @hyperlane-xyz/core (version in its package.json, 12.1.0 when written): the typechain factories
// under dist/typechain/factories/. Those files are ES modules importing ethers v5, which is not
// installed, so each is read as text and only its `const _abi = [...]` and `const _bytecode` are
// taken; ethers v6 deploys them.
//
// Usage (the sender's key comes from $CAUSEWAY_HYPERLANE_KEY, or from the file named by
// $CAUSEWAY_HYPERLANE_KEY_FILE; it is never printed):
//   node deploy_hyperlane.mjs deploy RPC_URL THRESHOLD VALIDATOR...
//     -> {"origin": {...}, "destination": {...}, "recipient": ...}: every address
//   node deploy_hyperlane.mjs dispatch RPC_URL MAILBOX MERKLE_TREE_HOOK DESTINATION RECIPIENT BODY_HEX
//     -> the transaction, the Dispatch event's message, the DispatchId id and the hook's
//        latestCheckpoint() after the dispatch
//
// Layout (one chain, two Mailboxes: Mailbox.process never compares the origin with its own
// domain, so an origin and a destination Mailbox on the same chain exercise everything):
//   origin      Mailbox(901): required hook MerkleTreeHook, default hook TestPostDispatchHook (no
//               fee, no effect), default ISM NoopIsm (it never receives)
//   destination Mailbox(902): default ISM a StaticMessageIdMultisigIsm (validators, threshold) made
//               by StaticMessageIdMultisigIsmFactory; both hooks TestPostDispatchHook
//   recipient   TestRecipient (names no ISM of its own, so the Mailbox's default applies)
// The MerkleTreeHook must not be both the required and the default hook: Mailbox.dispatch calls
// both, and the hook only checks that the id is the latest dispatched, so it would insert every
// id twice (count 2 after one message).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ContractFactory, Contract, Interface, JsonRpcProvider, Wallet, getAddress, zeroPadValue,
} from 'ethers';

const ORIGIN_DOMAIN = 901;
const DESTINATION_DOMAIN = 902;

// The package's "exports" hide package.json and the factories from resolution: use the path.
const coreDir = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/@hyperlane-xyz/core');
const coreVersion = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')).version;
const factories = join(coreDir, 'dist', 'typechain', 'factories', 'contracts');

// { abi, bytecode } of one typechain factory file, without importing it.
function artifact(relative) {
  const text = readFileSync(join(factories, relative), 'utf8');
  const abi = /^const _abi = (\[[\s\S]*?^\]);$/m.exec(text);
  const bytecode = /^const _bytecode = "(0x[0-9a-fA-F]+)";$/m.exec(text);
  if (!abi || !bytecode) throw new Error(`${relative}: no _abi or _bytecode`);
  // A plain object literal (unquoted keys), so JSON.parse will not do.
  return { abi: new Function('return ' + abi[1])(), bytecode: bytecode[1] };
}

const A = {
  Mailbox: artifact('Mailbox__factory.js'),
  MerkleTreeHook: artifact('hooks/MerkleTreeHook__factory.js'),
  TestPostDispatchHook: artifact('test/TestPostDispatchHook__factory.js'),
  NoopIsm: artifact('isms/NoopIsm__factory.js'),
  TestRecipient: artifact('test/TestRecipient__factory.js'),
  StaticMessageIdMultisigIsmFactory: artifact(
    'isms/multisig/StaticMultisigIsm.sol/StaticMessageIdMultisigIsmFactory__factory.js'),
  StaticMessageIdMultisigIsm: artifact(
    'isms/multisig/StaticMultisigIsm.sol/StaticMessageIdMultisigIsm__factory.js'),
};

function signer(rpc) {
  let key = process.env.CAUSEWAY_HYPERLANE_KEY;
  if (!key && process.env.CAUSEWAY_HYPERLANE_KEY_FILE) {
    key = readFileSync(process.env.CAUSEWAY_HYPERLANE_KEY_FILE, 'utf8').trim();
  }
  if (!key) throw new Error('set CAUSEWAY_HYPERLANE_KEY or CAUSEWAY_HYPERLANE_KEY_FILE');
  // No response cache: it would hand back the nonce from before the previous transaction.
  const provider = new JsonRpcProvider(rpc, undefined,
    { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  return new Wallet(key, provider);
}

async function deploy(wallet, name, ...args) {
  const factory = new ContractFactory(A[name].abi, A[name].bytecode, wallet);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract;
}

async function send(txPromise) {
  const receipt = await (await txPromise).wait();
  if (receipt.status !== 1) throw new Error(`transaction ${receipt.hash} reverted`);
  return receipt;
}

async function deployAll(rpc, threshold, validators) {
  const wallet = signer(rpc);
  const deployer = await wallet.getAddress();

  const origin = await deploy(wallet, 'Mailbox', ORIGIN_DOMAIN);
  const destination = await deploy(wallet, 'Mailbox', DESTINATION_DOMAIN);
  const merkleTreeHook = await deploy(wallet, 'MerkleTreeHook', await origin.getAddress());
  const noopHook = await deploy(wallet, 'TestPostDispatchHook');
  const noopIsm = await deploy(wallet, 'NoopIsm');
  const ismFactory = await deploy(wallet, 'StaticMessageIdMultisigIsmFactory');

  // The factory deploys a MetaProxy clone of its implementation with (validators, threshold)
  // appended; its address is a CREATE2 function of those, known before the transaction.
  const ism = await ismFactory['deploy(address[],uint8)'].staticCall(validators, threshold);
  await send(ismFactory['deploy(address[],uint8)'](validators, threshold));
  const ismContract = new Contract(ism, A.StaticMessageIdMultisigIsm.abi, wallet.provider);
  const [setValidators, setThreshold] = await ismContract.validatorsAndThreshold('0x');

  const hook = await noopHook.getAddress();
  await send(origin.initialize(deployer, await noopIsm.getAddress(), hook, await merkleTreeHook.getAddress()));
  await send(destination.initialize(deployer, ism, hook, hook));
  const recipient = await deploy(wallet, 'TestRecipient');

  return {
    package: `@hyperlane-xyz/core@${coreVersion}`,
    packageVersion: await origin.PACKAGE_VERSION(),
    deployer,
    origin: {
      domain: Number(await origin.localDomain()),
      mailbox: await origin.getAddress(),
      merkleTreeHook: await merkleTreeHook.getAddress(),
      requiredHook: await origin.requiredHook(),
      defaultHook: await origin.defaultHook(),
      defaultIsm: await origin.defaultIsm(),
    },
    destination: {
      domain: Number(await destination.localDomain()),
      mailbox: await destination.getAddress(),
      defaultIsm: await destination.defaultIsm(),
      ismFactory: await ismFactory.getAddress(),
      ismImplementation: await ismFactory.implementation(),
      ismModuleType: Number(await ismContract.moduleType()),
      validators: setValidators.map((v) => getAddress(v)),
      threshold: Number(setThreshold),
      requiredHook: await destination.requiredHook(),
      defaultHook: await destination.defaultHook(),
    },
    recipient: await recipient.getAddress(),
  };
}

async function dispatch(rpc, mailboxAddress, hookAddress, destination, recipient, body) {
  const wallet = signer(rpc);
  const mailbox = new Contract(mailboxAddress, A.Mailbox.abi, wallet);
  const hook = new Contract(hookAddress, A.MerkleTreeHook.abi, wallet.provider);
  const recipient32 = zeroPadValue(recipient, 32);
  const nonce = Number(await mailbox.nonce());
  // The fee is what the required and the default hook quote together (0 for these hooks).
  const fee = await mailbox['quoteDispatch(uint32,bytes32,bytes)'](destination, recipient32, body);
  const receipt = await send(
    mailbox['dispatch(uint32,bytes32,bytes)'](destination, recipient32, body, { value: fee }));

  const mailboxEvents = new Interface(A.Mailbox.abi);
  const hookEvents = new Interface(A.MerkleTreeHook.abi);
  const out = { txHash: receipt.hash, block: receipt.blockNumber, fee: fee.toString(), nonceBefore: nonce };
  for (const log of receipt.logs) {
    const from = getAddress(log.address);
    const parsed =
      from === getAddress(mailboxAddress) ? mailboxEvents.parseLog(log)
        : from === getAddress(hookAddress) ? hookEvents.parseLog(log) : null;
    if (!parsed) continue;
    if (parsed.name === 'Dispatch') {
      out.sender = getAddress(parsed.args.sender);
      out.destination = Number(parsed.args.destination);
      out.recipient = parsed.args.recipient;
      out.message = parsed.args.message;
    } else if (parsed.name === 'DispatchId') {
      out.id = parsed.args.messageId;
    } else if (parsed.name === 'InsertedIntoTree') {
      out.inserted = { id: parsed.args.messageId, index: Number(parsed.args.index) };
    }
  }
  const [root, index] = await hook.latestCheckpoint({ blockTag: receipt.blockNumber });
  out.checkpoint = { root, index: Number(index) };
  out.count = Number(await hook.count({ blockTag: receipt.blockNumber }));
  return out;
}

const [command, ...args] = process.argv.slice(2);
let result;
if (command === 'deploy' && args.length >= 3) {
  const [rpc, threshold, ...validators] = args;
  result = await deployAll(rpc, Number(threshold), validators);
} else if (command === 'dispatch' && args.length === 6) {
  const [rpc, mailbox, hook, destination, recipient, body] = args;
  result = await dispatch(rpc, mailbox, hook, Number(destination), recipient, body);
} else {
  console.error('usage: deploy_hyperlane.mjs deploy RPC THRESHOLD VALIDATOR... | ' +
    'dispatch RPC MAILBOX MERKLE_TREE_HOOK DESTINATION RECIPIENT BODY_HEX');
  process.exit(2);
}
console.log(JSON.stringify(result, null, 1));
