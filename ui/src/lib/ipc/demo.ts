// Demo data for previewing the UI in a plain browser (`npm run dev`): the same accounts
// as the server's demo, procedures and claims made up from a fixed seed. The query
// string sizes it: ?procedures=5000&claims=50000, and ?offline=1 starts offline.

import { centsToMoney } from '../format';
import type {
  AdmissionStatus,
  Claim,
  ClaimNature,
  Company,
  Dossier,
  Installment,
  Procedure,
  ProcedureKind,
  ProcedureStage,
  User,
} from '../types';
import { FakeIpc, type FakeData, type FakeDocument } from './fake';

const PASSWORD = 'claimdesk-demo';

/** A small deterministic generator (mulberry32), so the demo is the same every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function luhnSiren(prefix: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    let d = Number(prefix[7 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return prefix + ((10 - (sum % 10)) % 10).toString();
}

function isoDate(base: Date, days: number): string {
  const d = new Date(base.getTime() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

const NAMES = [
  'Boulangerie',
  'Transports',
  'Menuiserie',
  'Garage',
  'Imprimerie',
  'Textiles',
  'Bâtiment',
  'Restaurant',
  'Librairie',
  'Serrurerie',
];
const PLACES = [
  'du Rhône',
  'de la Loire',
  'des Alpes',
  'Lyonnais',
  'de Provence',
  'du Nord',
  'Atlantique',
  'de Bretagne',
  'Parisien',
  'd’Alsace',
];
const CITIES = [
  'Lyon',
  'Paris',
  'Marseille',
  'Lille',
  'Nantes',
  'Bordeaux',
  'Strasbourg',
  'Rennes',
  'Grenoble',
  'Toulouse',
];
const FORMS = ['SAS', 'SARL', 'SA', 'EURL'];
const KINDS: ProcedureKind[] = [
  'Sauvegarde',
  'SauvegardeAcceleree',
  'RedressementJudiciaire',
  'LiquidationJudiciaire',
  'LiquidationJudiciaireSimplifiee',
];
const CREDITORS = [
  'Banque Populaire Rhône',
  'Crédit Lyonnais Entreprises',
  'Société Générale Factoring',
  'BNP Paribas Lease',
  'Caisse d’Épargne Loire',
];
const NATURES: ClaimNature[] = ['privileged', 'secured', 'unsecured'];
const STATUSES: AdmissionStatus[] = ['pending', 'admitted', 'partly_admitted', 'rejected', 'disputed'];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function stageFor(kind: ProcedureKind, rng: () => number): ProcedureStage {
  if (kind.startsWith('Liquidation')) return rng() < 0.85 ? 'liquidation' : 'closed';
  return rng() < 0.6 ? 'observation' : 'plan_adopted';
}

export function demoData(procedureCount: number, claimCount: number): FakeData {
  const rng = random(42);
  const base = new Date(Date.UTC(2026, 0, 5));
  const procedures: Procedure[] = [];
  for (let id = 1; id <= procedureCount; id++) {
    const city = pick(rng, CITIES);
    const siren = luhnSiren(
      String(30000000 + id * 7919)
        .slice(-8)
        .padStart(8, '1'),
    );
    const debtor: Company = {
      name: `${pick(rng, NAMES)} ${pick(rng, PLACES)} ${id}`,
      siren,
      rcs: `RCS ${city} ${siren.slice(0, 3)} ${siren.slice(3, 6)} ${siren.slice(6)}`,
      legal_form: pick(rng, FORMS),
      address: `${1 + Math.floor(rng() * 200)} rue de la République, ${city}`,
    };
    const kind = pick(rng, KINDS);
    const judgment = Math.floor(rng() * 400) - 300;
    procedures.push({
      id,
      kind,
      stage: stageFor(kind, rng),
      debtor,
      tribunal: `Tribunal de commerce de ${city}`,
      judgment_date: isoDate(base, judgment),
      bodacc_date: isoDate(base, judgment + 12),
      declaration_deadline: isoDate(base, judgment + 12 + 61),
      etude_name: 'Étude Martin & Associés',
      mandataire: 'Me Claire Martin',
      administrateur: kind.startsWith('Liquidation') ? null : 'Me Paul Durand',
      juge_commissaire: 'M. Jean Lefèvre',
      plan_end_date: null,
      deadlines: {
        declaration: isoDate(base, judgment + 12 + 61),
        declaration_outside_metropole: isoDate(base, judgment + 12 + 122),
        relief_from_foreclosure: isoDate(base, judgment + 12 + 183),
        claims_list_objection: null,
        latest_plan_end: null,
      },
    });
  }
  const claims: Claim[] = [];
  for (let id = 1; id <= claimCount; id++) {
    const procedure = procedures[(id - 1) % procedures.length] as Procedure;
    const principal = BigInt(Math.floor(rng() * 5_000_000));
    const interest = principal / 25n;
    const fees = BigInt(Math.floor(rng() * 50_000));
    const admission = pick(rng, STATUSES);
    const total = principal + interest + fees;
    claims.push({
      id,
      procedure_id: procedure.id,
      dossier_reference: `D-2026-${String(id).padStart(6, '0')}`,
      creditor: pick(rng, CREDITORS),
      servicing_entity: 'Recouvrement Services SAS',
      declared: {
        principal: centsToMoney(principal),
        interest: centsToMoney(interest),
        penalties: '0.00',
        fees: centsToMoney(fees),
        to_fall_due: '0.00',
        total: centsToMoney(total),
      },
      nature: pick(rng, NATURES),
      provisional: rng() < 0.1,
      declaration_date: procedure.bodacc_date ?? procedure.judgment_date,
      late: rng() < 0.05,
      admission,
      admitted_amount:
        admission === 'admitted'
          ? centsToMoney(total)
          : admission === 'partly_admitted'
            ? centsToMoney(total / 2n)
            : null,
      decision_date: admission === 'pending' ? null : isoDate(base, Math.floor(rng() * 60)),
    });
  }
  const dossiers: Dossier[] = claims.slice(0, 3).map((claim, index) => {
    const procedure = procedures.find((p) => p.id === claim.procedure_id) as Procedure;
    return {
      id: index + 1,
      reference: claim.dossier_reference,
      debtor: procedure.debtor,
      creditor: claim.creditor,
      servicing_entity: claim.servicing_entity,
      manager: { name: 'Sophie Bernard', email: 'sophie.bernard@example.fr', phone: '+33 4 72 00 00 00' },
      procedure_id: procedure.id,
      procedure_kind: procedure.kind,
      opened_on: procedure.judgment_date,
      principal: claim.declared.principal,
      balance: claim.declared.total,
      guarantees:
        index === 0 ? [{ guarantor_name: 'M. Marc Caution', amount: '50000.00', ends_on: '2031-12-31' }] : [],
      judgment_date: procedure.judgment_date,
      servicer: {
        name: claim.servicing_entity,
        address: ['12 rue de la République', '69002 Lyon'],
        legal: 'SAS au capital de 500 000 € — RCS Lyon 552 100 554',
        phone: '04 72 10 45 00',
        email: 'recouvrement@example.fr',
        cheque_address: ['Service encaissements', 'TSA 40112', '69441 Lyon Cedex 03'],
      },
      rib: {
        dossier_reference: claim.dossier_reference,
        holder: 'CLAIMDESK RECOUVREMENT SAS',
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPP',
        bank_name: 'Crédit Agricole',
        rf_reference: 'RF18539007547034',
      },
      ledger: {
        terms: {
          interest: { kind: 'none' },
          penalty_rate: null,
          professional: false,
          imputation: 'interest_first',
        },
        debts: [],
        fees: [],
        payments: [],
      },
    };
  });
  const installments: Installment[] = dossiers.flatMap((d, index) =>
    Array.from({ length: 12 }, (_, n) => ({
      id: index * 100 + n + 1,
      dossier_reference: d.reference,
      number: n + 1,
      due_date: isoDate(base, 30 * (n + 1)),
      amount: '1250.00',
      paid: n < 2 ? '1250.00' : '0.00',
      status: n < 2 ? ('paid' as const) : ('unpaid' as const),
    })),
  );
  return { procedures, claims, dossiers, installments };
}

/** Letters the agency posted on the first dossiers and procedures, and one a customer filed. */
function demoDocuments(data: FakeData): FakeDocument[] {
  const posted = (day: number) => new Date(Date.UTC(2026, 9, day, 9, 30)).toISOString();
  const documents: FakeDocument[] = [];
  let id = 1;
  for (const dossier of data.dossiers.slice(0, 3)) {
    documents.push(
      {
        attached_to: { kind: 'dossier', reference: dossier.reference },
        document: {
          id: id++,
          category: 'judgment',
          note: null,
          file_name: `jugement-${dossier.reference}.pdf`,
          content_type: 'application/pdf',
          size: 184_320,
          origin: 'agency',
          created_at: posted(2),
        },
      },
      {
        attached_to: { kind: 'dossier', reference: dossier.reference },
        document: {
          id: id++,
          category: 'proof_of_payment',
          note: 'Virement de septembre',
          file_name: 'virement-septembre.pdf',
          content_type: 'application/pdf',
          size: 52_004,
          origin: 'customer',
          created_at: posted(14),
        },
      },
    );
  }
  for (const procedure of data.procedures.slice(0, 3)) {
    documents.push({
      attached_to: { kind: 'procedure', id: procedure.id },
      document: {
        id: id++,
        category: 'list_of_claims',
        note: null,
        file_name: `etat-des-creances-${procedure.id}.pdf`,
        content_type: 'application/pdf',
        size: 402_117,
        origin: 'agency',
        created_at: posted(20),
      },
    });
  }
  return documents;
}

function user(id: number, email: string, display_name: string, role: User['role']): User {
  return {
    id,
    email,
    display_name,
    role,
    etude_name: role === 'etude' ? 'Étude Martin & Associés' : null,
    company_name: role === 'debtor' ? 'Boulangerie du Rhône 1' : null,
  };
}

export function demoIpc(): FakeIpc {
  const params = new URLSearchParams(window.location.search);
  const procedureCount = Number(params.get('procedures') ?? 200);
  const claimCount = Number(params.get('claims') ?? 2000);
  const fake = new FakeIpc({
    data: demoData(procedureCount, claimCount),
    accounts: [
      { password: PASSWORD, user: user(1, 'etude@demo.claimdesk.fr', 'Claire Martin', 'etude') },
      { password: PASSWORD, user: user(2, 'debiteur1@demo.claimdesk.fr', 'Jean Dupont', 'debtor') },
      { password: PASSWORD, user: user(3, 'caution1@demo.claimdesk.fr', 'Marc Caution', 'guarantor') },
    ],
  });
  fake.status.online = params.get('offline') !== '1';
  fake.autoSend = true;
  fake.documentsData = demoDocuments(fake.data);
  const signedInAs = params.get('user');
  if (signedInAs) fake.status.user = fake.accounts.find((a) => a.user.email === signedInAs)?.user ?? null;
  fake.syncHandler = async () => {
    if (!fake.status.online) throw { code: 'offline', message: 'server unreachable' };
    fake.emitState({ online: true, syncing: true, last_sync: fake.status.last_sync });
    for (let page = 1; page <= 3; page++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      fake.emitProgress({ pages: page, applied: page * 500, more: page < 3 });
    }
    fake.status.last_sync = new Date().toISOString();
    const report = {
      applied: 1500,
      procedures: procedureCount,
      claims: claimCount,
      dossiers: 3,
      installments: 36,
      duration_ms: 912,
    };
    fake.emitState({ online: true, syncing: false, last_sync: fake.status.last_sync });
    fake.emitDone(report);
    return report;
  };
  return fake;
}
