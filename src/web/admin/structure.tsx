// The admin's page of an edition's structure: pillars, their sub-areas, the order of initiatives and their
// numbers, in the plan's own words for them (its level names and what it calls an initiative). Each form posts to one command of db/structure.ts; a form with errors is shown again with what
// was typed and each message next to its field.
import { Hono, type Context } from 'hono';
import { deletePillar, deleteSubArea, movePillar, moveSubArea, savePillar, saveSubArea } from '../../db/structure.ts';
import { renumberEdition } from '../../db/initiatives.ts';
import { initiativeLabel, type Pillar, type PlanSettings } from '../../domain/model.ts';
import { planTerms } from '../../domain/plan-rules.ts';
import { planSettingsFor } from '../../db/plans.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { Csrf, ERROR_LEAD, Field, type FormState } from './views.tsx';
import { back, fyParam, manageWrite, mustManage, page, parseForm, refusal, shownAgain } from './respond.tsx';
import { direction, editionFor, MoveButtons, planWrite, structureUrl, type OnRefusal } from './plan-parts.tsx';
import type { AdminEnv } from './auth.ts';
import { one, pillarSchema, subAreaSchema, typedOf } from './forms.ts';
import { flattenGroups, groupPath, groupTree, levelName, type GroupNode } from '../../domain/groups.ts';

export const structureRoutes = new Hono<AdminEnv>();

async function structurePage(c: Context<AdminEnv>, fy: number, state?: FormState, status = 200, error?: string): Promise<Response> {
  mustManage(c);
  const data = await editionFor(c, fy);
  const csrf = c.get('csrf');
  const locked = data.edition.state === 'published';
  const base = `/admin/e/${fy}`;
  const terms = planTerms(data.plan.settings);
  const [P, S, I] = [terms.pillar, terms.subArea ?? '下位の階層', terms.initiative];
  // A plan of one level offers no second one; sub-areas an edition already has are still shown and kept.
  const twoLevels = terms.subArea !== null;
  const count = (pillarKey: string, subAreaKey?: string | null) =>
    data.initiatives.filter((i) => i.pillarKey === pillarKey && (subAreaKey === undefined || i.subAreaKey === subAreaKey)).length;
  return page(
    c,
    `${P}と並び順（${fiscalYearLabel(fy)}）`,
    <>
      <p>
        <a href={base}>
          {data.edition.title}（{fiscalYearLabel(fy)}）
        </a>
      </p>
      <h1>{[P, terms.subArea, I].filter(Boolean).join('・')}の並び順</h1>
      <p>
        この版（{fiscalYearLabel(fy)}）の構成です。公開サイトと報告書は、ここでの順に{I}を載せます。変更はすべて変更履歴に残ります。
      </p>
      {data.pillars.length === 0 ? (
        <section class="panel" aria-labelledby="empty-h">
          <h2 id="empty-h">まだ{P}がありません</h2>
          <ol>
            <li>
              下の「{P}を追加」で、{I}をまとめる{P}を追加します{twoLevels ? `（${S}は${P}の中に追加します）` : ''}。
            </li>
            <li>
              <a href="/admin/departments">担当課所</a>を登録します。
            </li>
            <li>
              <a href={base}>版の画面</a>の「新しい{I}（新）を追加」で{I}を追加します（Excel・CSV からも取り込めます）。
            </li>
          </ol>
        </section>
      ) : null}
      {locked ? <p class="panel">この版は公開済みのため変更できません。変えるには版の画面で理由を記録して再開します。</p> : null}
      {data.pillars.map((p, pi) => {
        // Every group in print order (parents before their children), a deeper one named by its path.
        const groups = [
          { key: null as string | null, name: `${S}なし` },
          ...flattenGroups(groupTree([p])[0]!.children).map((g) => ({
            key: g.key as string | null,
            name: groupPath(data.pillars, p.key, g.key)
              .slice(1)
              .map((x) => x.name)
              .join(' ／ '),
          })),
        ];
        return (
          <section class="panel" aria-labelledby={`h-${p.key}`}>
            <h2 id={`h-${p.key}`}>
              {pi + 1}. {p.name}（{I} {count(p.key)} 件）
            </h2>
            <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}`}>
              <Csrf token={csrf} />
              <Field form={`pillar-${p.key}`} name="name" label="名前" value={p.name} state={state} size={30} required />{' '}
              <Field form={`pillar-${p.key}`} name="tagline" label="キャッチコピー（任意）" value={p.tagline ?? ''} state={state} size={40} />{' '}
              <button type="submit" class="small" disabled={locked}>
                保存
              </button>
            </form>
            <div class="actions">
              <MoveButtons
                action={`${base}/pillars/${encodeURIComponent(p.key)}/move`}
                csrf={csrf}
                what={p.name}
                first={pi === 0}
                last={pi === data.pillars.length - 1}
                disabled={locked}
              />{' '}
              <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/delete`} class="inline">
                <Csrf token={csrf} />
                <button type="submit" class="small secondary" disabled={locked || count(p.key) > 0} aria-label={`${P}「${p.name}」を削除`}>
                  削除
                </button>
              </form>
              {count(p.key) > 0 ? ` ${I}がある${P}は削除できません。` : null}
            </div>
            {twoLevels || p.subAreas.length ? <h3>{S}</h3> : null}
            {p.subAreas.length ? (
              <GroupList nodes={groupTree([p])[0]!.children} ctx={{ base, csrf, state, locked, settings: data.plan.settings, S, I, pillar: p, count }} />
            ) : twoLevels ? (
              <p>{S}はありません。</p>
            ) : null}
            {twoLevels ? (
              <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/subareas`}>
                <Csrf token={csrf} />
                <Field form={`sub-new-${p.key}`} name="name" label={`${S}を追加`} value="" state={state} size={30} required inline />{' '}
                <button type="submit" class="small" disabled={locked}>
                  追加
                </button>
              </form>
            ) : null}
            <h3>{I}の並び順</h3>
            {count(p.key) === 0 ? (
              <p>
                この{P}にはまだ{I}がありません。
              </p>
            ) : null}
            {groups.map((g) => {
              const items = data.initiatives.filter((i) => i.pillarKey === p.key && i.subAreaKey === g.key);
              if (!items.length) return null;
              return (
                <>
                  {p.subAreas.length ? <h4>{g.name}</h4> : null}
                  <ol class="plain order">
                    {items.map((i, n) => (
                      <li>
                        <span class="num">{initiativeLabel(i)}</span> <a href={`${base}/i/${encodeURIComponent(i.key)}`}>{i.title}</a>{' '}
                        <MoveButtons
                          action={`${base}/i/${encodeURIComponent(i.key)}/move`}
                          csrf={csrf}
                          what={i.title}
                          first={n === 0}
                          last={n === items.length - 1}
                          disabled={locked}
                        />
                      </li>
                    ))}
                  </ol>
                </>
              );
            })}
          </section>
        );
      })}
      <form method="post" action={`${base}/pillars`} class="panel">
        <h2>{P}を追加</h2>
        <Csrf token={csrf} />
        <Field form="pillar-new" name="name" label="名前" value="" state={state} size={30} required />{' '}
        <Field form="pillar-new" name="tagline" label="キャッチコピー（任意）" value="" state={state} size={40} />{' '}
        <button type="submit" disabled={locked}>
          追加
        </button>
      </form>
      <form method="post" action={`${base}/renumber`} class="panel">
        <h2>番号を振り直す</h2>
        <Csrf token={csrf} />
        <p>
          すべての{I}に、上の並び順で 01 から番号を振ります（「新」の{I}にも番号が付きます）。
        </p>
        <button type="submit" disabled={locked || data.initiatives.length === 0}>
          番号を振り直す
        </button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

interface GroupCtx {
  base: string;
  csrf: string;
  state?: FormState;
  locked: boolean;
  settings: PlanSettings;
  /** The plan's words for the second level and for an initiative. */
  S: string;
  I: string;
  pillar: Pillar;
  count: (pillarKey: string, subAreaKey?: string | null) => number;
}

/** The form id of the add-a-group form inside `parentKey` (none: directly under the pillar). */
export const newGroupForm = (pillarKey: string, parentKey: string) => (parentKey ? `sub-new-${pillarKey}-${parentKey}` : `sub-new-${pillarKey}`);

/**
 * The groups under a pillar or a group, each with its rename form, up/down among the groups that share its
 * parent, its removal, and, where the plan has a deeper level, a form to add a group inside it.
 */
function GroupList({ nodes, ctx }: { nodes: GroupNode[]; ctx: GroupCtx }) {
  const { base, csrf, state, locked, settings, S, I, pillar, count } = ctx;
  const at = `${base}/pillars/${encodeURIComponent(pillar.key)}/subareas`;
  const word = (level: number) => (level === 2 ? S : levelName(settings, level));
  return (
    <ul class="plain">
      {nodes.map((s, si) => {
        const n = count(pillar.key, s.key);
        const parentName = s.level > 2 ? pillar.subAreas.find((x) => x.key === s.parentKey)?.name : undefined;
        return (
          <li>
            <form method="post" action={`${at}/${encodeURIComponent(s.key)}`} class="inline">
              <Csrf token={csrf} />
              <Field form={`sub-${s.key}`} name="name" label={`${word(s.level)}${si + 1}`} value={s.name} state={state} size={30} required inline />{' '}
              <button type="submit" class="small" disabled={locked}>
                保存
              </button>
            </form>{' '}
            <MoveButtons
              action={`${at}/${encodeURIComponent(s.key)}/move`}
              csrf={csrf}
              what={s.name}
              first={si === 0}
              last={si === nodes.length - 1}
              disabled={locked}
            />{' '}
            <form method="post" action={`${at}/${encodeURIComponent(s.key)}/delete`} class="inline">
              <Csrf token={csrf} />
              <button type="submit" class="small secondary" disabled={locked || s.children.length > 0} aria-label={`${word(s.level)}「${s.name}」を削除`}>
                削除
              </button>
            </form>{' '}
            （{I} {n} 件{n ? (parentName ? `。削除すると「${parentName}」に移ります` : `。削除すると${S}なしになります`) : ''}
            {s.children.length ? `。中のグループがあるうちは削除できません` : ''}）{s.children.length ? <GroupList nodes={s.children} ctx={ctx} /> : null}
            {s.level < settings.levels.length ? (
              <form method="post" action={at}>
                <Csrf token={csrf} />
                <input type="hidden" name="parent" value={s.key} />
                <Field
                  form={newGroupForm(pillar.key, s.key)}
                  name="name"
                  label={`「${s.name}」の中に${word(s.level + 1)}を追加`}
                  value=""
                  state={state}
                  size={30}
                  required
                  inline
                />{' '}
                <button type="submit" class="small" disabled={locked}>
                  追加
                </button>
              </form>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

structureRoutes.get('/e/:fy/structure', async (c) => {
  try {
    return await structurePage(c, fyParam(c));
  } catch (e) {
    return refusal(c, e);
  }
});

/** The plan's words for the messages after a write. */
const termsOf = async (c: Context<AdminEnv>, fy: number) => planTerms(await planSettingsFor(c.get('database').db, c.get('actor').organizationId, fy));

const onStructure = <P extends string>(form?: (c: Context<AdminEnv, P>) => string): OnRefusal<P> => ({ page: structurePage, form });

planWrite(
  structureRoutes,
  '/e/:fy/pillars',
  async (c, fy, b) => {
    const v = parseForm(pillarSchema, b);
    await savePillar(c.get('database').db, c.get('actor'), fy, null, v);
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).pillar}「${v.name}」を追加しました`);
  },
  onStructure(() => 'pillar-new'),
);

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar',
  async (c, fy, b) => {
    const key = c.req.param('pillar');
    const v = parseForm(pillarSchema, b);
    await savePillar(c.get('database').db, c.get('actor'), fy, key, v);
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).pillar}「${v.name}」を保存しました`);
  },
  onStructure((c) => `pillar-${c.req.param('pillar')}`),
);

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/move',
  async (c, fy, b) => {
    await movePillar(c.get('database').db, c.get('actor'), fy, c.req.param('pillar'), direction(b));
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).pillar}を移動しました`);
  },
  onStructure(),
);

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/delete',
  async (c, fy) => {
    await deletePillar(c.get('database').db, c.get('actor'), fy, c.req.param('pillar'));
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).pillar}を削除しました`);
  },
  onStructure(),
);

// Adds a group directly under the pillar, or inside the group the form names (`parent`).
manageWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/subareas',
  async (c, b) => {
    const [fy, pillar, parent] = [fyParam(c), c.req.param('pillar'), one(b, 'parent').trim()];
    const v = parseForm(subAreaSchema, b);
    await saveSubArea(c.get('database').db, c.get('actor'), fy, pillar, null, v.name, { parentKey: parent || null });
    const settings = await planSettingsFor(c.get('database').db, c.get('actor').organizationId, fy);
    const word = parent ? levelName(settings, (await levelOf(c, fy, pillar, parent)) ?? 3) : (planTerms(settings).subArea ?? '下位の階層');
    return back(c, structureUrl(fy), `${word}「${v.name}」を追加しました`);
  },
  (c, b, refused) =>
    structurePage(
      c,
      fyParam(c),
      shownAgain(newGroupForm(c.req.param('pillar'), one(b, 'parent').trim()), typedOf(b), refused),
      refused.status,
      refused.message,
    ),
);

/** The level of a group just added (its parent's and one more), for the message. */
async function levelOf(c: Context<AdminEnv>, fy: number, pillarKey: string, parentKey: string): Promise<number | null> {
  const data = await editionFor(c, fy);
  const path = groupPath(data.pillars, pillarKey, parentKey);
  return path.length > 1 ? path.length + 1 : null;
}

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/subareas/:sub',
  async (c, fy, b) => {
    const sub = c.req.param('sub');
    const v = parseForm(subAreaSchema, b);
    await saveSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar'), sub, v.name);
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).subArea ?? '下位の階層'}「${v.name}」を保存しました`);
  },
  onStructure((c) => `sub-${c.req.param('sub')}`),
);

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/subareas/:sub/move',
  async (c, fy, b) => {
    await moveSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar'), c.req.param('sub'), direction(b));
    return back(c, structureUrl(fy), `${(await termsOf(c, fy)).subArea ?? '下位の階層'}を移動しました`);
  },
  onStructure(),
);

planWrite(
  structureRoutes,
  '/e/:fy/pillars/:pillar/subareas/:sub/delete',
  async (c, fy) => {
    const r = await deleteSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar'), c.req.param('sub'));
    const t = await termsOf(c, fy);
    const sub = t.subArea ?? '下位の階層';
    return back(c, structureUrl(fy), `${sub}を削除しました（${t.initiative} ${r.ungrouped} 件は${sub}なしになりました）`);
  },
  onStructure(),
);

planWrite(
  structureRoutes,
  '/e/:fy/renumber',
  async (c, fy) => {
    const n = await renumberEdition(c.get('database').db, c.get('actor'), fy);
    return back(c, structureUrl(fy), `番号を振り直しました（${n} 件の番号が変わりました）`);
  },
  onStructure(),
);
