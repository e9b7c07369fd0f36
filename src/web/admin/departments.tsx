// The admin's page of the department master: add, rename (the old spelling stays as an alias), aliases,
// delete an unused one, merge two, and which department each is part of (部 → 課 → 係), shown as a tree.
// Initiatives and editors name departments of any level from this list.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import {
  addDepartment,
  addDepartmentAlias,
  deleteDepartment,
  listDepartmentUse,
  mergeDepartments,
  removeDepartmentAlias,
  renameDepartment,
  setDepartmentParent,
  type DepartmentUse,
} from '../../db/departments.ts';
import { Csrf, ERROR_LEAD, Field, Select, type FormState } from './views.tsx';
import { back, manageWrite, mustManage, orgCode, page, parseForm, refusal, shownAgain } from './respond.tsx';
import type { AdminEnv } from './auth.ts';
import {
  aliasSchema,
  departmentNameSchema,
  departmentParentSchema,
  mergeSchema,
  one,
  removeAliasSchema,
  renameDepartmentSchema,
  typedOf,
  type Body,
} from './forms.ts';

export const departmentRoutes = new Hono<AdminEnv>();

async function departmentsPage(c: Context<AdminEnv>, state?: FormState, status = 200, error?: string) {
  mustManage(c);
  const rows = await listDepartmentUse(c.get('database').db, c.get('actor'));
  const csrf = c.get('csrf');
  const names: [string, string][] = rows.map((d) => [d.name, d.name]);
  return page(
    c,
    '担当課所',
    <>
      <h1>担当課所</h1>
      <p>施策の担当課所は、この一覧から選びます。取り込むファイルに別表記があれば、登録した別表記で正しい課所に読み替えます。</p>
      <ul>
        <li>表記の誤りは「改称」で直します。過去の版も新しい表記になり、古い表記は別表記として残ります。</li>
        <li>同じ課所が二つの名前で登録されていれば「統合」します。</li>
        <li>組織改編で課所が変わるときは、新しい課所を追加して、今年度の版の施策の担当課所を付け替えます（過去の版はそのまま）。</li>
        <li>「上位の課所」で、課所をほかの課所の下に置けます（部 → 課 → 係）。施策の担当課所にはどの階層の課所も選べます。</li>
      </ul>
      {rows.some((d) => d.parent !== null) ? <DepartmentTree rows={rows} /> : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">課所名</th>
              <th scope="col">別表記</th>
              <th scope="col">施策</th>
              <th scope="col">編集者</th>
              <th scope="col">上位の課所</th>
              <th scope="col">改称・別表記の追加・削除</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d, n) => (
              <DepartmentRow d={d} n={n} csrf={csrf} state={state} names={names} />
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/admin/departments" class="panel">
        <h2>課所を追加</h2>
        <Csrf token={csrf} />
        <Field form="dept-new" name="name" label="課所名" value="" state={state} size={20} required /> <button type="submit">追加</button>
      </form>
      <form method="post" action="/admin/departments/merge" class="panel">
        <h2>課所を統合</h2>
        <Csrf token={csrf} />
        <p>旧表記の課所の施策・別表記・編集者をすべて正式名の課所に移し、旧表記は別表記として残します。</p>
        <Select form="merge" name="from" label="旧表記" value="" options={[['', '選んでください'], ...names]} state={state} />{' '}
        <Select form="merge" name="into" label="正式名" value="" options={[['', '選んでください'], ...names]} state={state} />{' '}
        <button type="submit">統合する</button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

/** The master as nested lists: each department with the ones inside it. */
function DepartmentTree({ rows }: { rows: DepartmentUse[] }) {
  const branch = (parent: string | null) => {
    const kids = rows.filter((d) => d.parent === parent);
    return kids.length ? (
      <ul>
        {kids.map((d) => (
          <li>
            {d.name}
            {branch(d.name)}
          </li>
        ))}
      </ul>
    ) : null;
  };
  return (
    <section class="panel" aria-labelledby="tree-h">
      <h2 id="tree-h">課所の構成</h2>
      {branch(null)}
    </section>
  );
}

function DepartmentRow({ d, n, csrf, state, names }: { d: DepartmentUse; n: number; csrf: string; state?: FormState; names: [string, string][] }) {
  return (
    <tr>
      <th scope="row">
        {/* Indented by its depth in the tree; the parent column says the same in words. */}
        {'\u3000'.repeat(d.depth)}
        {d.name}
      </th>
      <td>
        {d.aliases.map((a) => (
          <form method="post" action="/admin/departments/alias/delete" class="inline">
            <Csrf token={csrf} />
            <input type="hidden" name="alias" value={a} />
            {a}{' '}
            <button type="submit" class="link" aria-label={`別表記「${a}」を削除`}>
              削除
            </button>{' '}
          </form>
        ))}
      </td>
      <td class="num">{d.initiatives}</td>
      <td class="num">{d.editors}</td>
      <td>
        <form method="post" action="/admin/departments/parent" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="name" value={d.name} />
          <Select
            form={`parent-${n}`}
            name="parent"
            label={`「${d.name}」の上位`}
            value={d.parent ?? ''}
            options={[['', 'なし（最上位）'], ...names.filter(([v]) => v !== d.name)]}
            state={state}
          />{' '}
          <button type="submit" class="small secondary" aria-label={`「${d.name}」の上位の課所を変更`}>
            変更
          </button>
        </form>
      </td>
      <td>
        <form method="post" action="/admin/departments/rename" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={d.name} />
          <Field form={`rename-${n}`} name="to" label="新しい表記" value="" state={state} size={12} inline />{' '}
          <button type="submit" class="small secondary" aria-label={`「${d.name}」を改称`}>
            改称
          </button>
        </form>{' '}
        <form method="post" action="/admin/departments/alias" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="name" value={d.name} />
          <Field form={`alias-${n}`} name="alias" label="別表記" value="" state={state} size={12} inline />{' '}
          <button type="submit" class="small secondary" aria-label={`「${d.name}」の別表記を追加`}>
            追加
          </button>
        </form>{' '}
        {d.initiatives === 0 && d.editors === 0 ? (
          <form method="post" action="/admin/departments/delete" class="inline">
            <Csrf token={csrf} />
            <input type="hidden" name="name" value={d.name} />
            <button type="submit" class="small secondary" aria-label={`「${d.name}」を削除`}>
              削除
            </button>
          </form>
        ) : null}
      </td>
    </tr>
  );
}

departmentRoutes.get('/departments', async (c) => {
  try {
    return await departmentsPage(c);
  } catch (e) {
    return refusal(c, e);
  }
});

/**
 * A department write, parsed with its schema; a form with errors or a refusal comes back with the message
 * and what was typed. `form` names the form on the page (a row's forms carry its index).
 */
function departmentWrite<S extends z.ZodType>(
  path: string,
  form: (b: Body, rows: DepartmentUse[]) => string,
  schema: S,
  run: (c: Context<AdminEnv>, v: z.output<S>) => Promise<string>,
) {
  manageWrite(
    departmentRoutes,
    path,
    async (c, b) => back(c, '/admin/departments', await run(c, parseForm(schema, b))),
    async (c, b, refused) =>
      departmentsPage(
        c,
        shownAgain(form(b, await listDepartmentUse(c.get('database').db, c.get('actor'))), typedOf(b), refused),
        refused.status,
        refused.message,
      ),
  );
}

const rowOf = (prefix: string, name: string, rows: DepartmentUse[]) => `${prefix}-${rows.findIndex((d) => d.name === name)}`;
const db = (c: Context<AdminEnv>) => c.get('database').db;

departmentWrite(
  '/departments',
  () => 'dept-new',
  departmentNameSchema,
  async (c, v) => {
    await addDepartment(db(c), c.get('actor'), v.name);
    return `「${v.name}」を追加しました`;
  },
);

departmentWrite(
  '/departments/rename',
  (b, rows) => rowOf('rename', one(b, 'from'), rows),
  renameDepartmentSchema,
  async (c, v) => {
    await renameDepartment(db(c), c.get('actor'), v.from, v.to);
    return `「${v.from}」を「${v.to}」に改称しました（古い表記は別表記として残りました）`;
  },
);

departmentWrite(
  '/departments/alias',
  (b, rows) => rowOf('alias', one(b, 'name'), rows),
  aliasSchema,
  async (c, v) => {
    await addDepartmentAlias(db(c), c.get('actor'), v.name, v.alias);
    return `「${v.alias}」を「${v.name}」の別表記にしました`;
  },
);

departmentWrite(
  '/departments/alias/delete',
  () => 'alias-delete',
  removeAliasSchema,
  async (c, v) => {
    await removeDepartmentAlias(db(c), c.get('actor'), v.alias);
    return `別表記「${v.alias}」を削除しました`;
  },
);

departmentWrite(
  '/departments/delete',
  () => 'dept-delete',
  departmentNameSchema,
  async (c, v) => {
    await deleteDepartment(db(c), c.get('actor'), v.name);
    return `「${v.name}」を削除しました`;
  },
);

departmentWrite(
  '/departments/merge',
  () => 'merge',
  mergeSchema,
  async (c, v) => {
    const r = await mergeDepartments(db(c), await orgCode(c), v.from, v.into, c.get('actor'));
    return `「${v.from}」を「${v.into}」に統合しました（施策 ${r.moved} 件を付け替え）`;
  },
);

departmentWrite(
  '/departments/parent',
  (b, rows) => rowOf('parent', one(b, 'name'), rows),
  departmentParentSchema,
  async (c, v) => {
    await setDepartmentParent(db(c), c.get('actor'), v.name, v.parent);
    return v.parent === null ? `「${v.name}」を最上位にしました` : `「${v.name}」を「${v.parent}」の下に置きました`;
  },
);
