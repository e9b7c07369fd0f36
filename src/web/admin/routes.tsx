// The staff workspace, assembled: login, then the session and CSRF guards, then each feature's routes
// (each file holds one feature's pages and forms). Every write goes through one command of db/*, which
// checks the actor's permission again; a refusal changes nothing. Every POST after login goes through
// adminPost (respond.tsx); test/workspace/permissions.test.ts checks each one for every role.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { LIMITS } from '../../import/spreadsheet.ts';
import { requireCsrf, requireSession, type AdminEnv } from './auth.ts';
import { loginRoutes, sessionRoutes } from './auth-routes.tsx';
import { structureRoutes } from './structure.tsx';
import { kpiRoutes } from './kpis.tsx';
import { departmentRoutes } from './departments.tsx';
import { userRoutes } from './users.tsx';
import { platformRoutes } from './platform.tsx';
import { dashboardRoutes } from './dashboard.tsx';
import { planRoutes } from './plan-setup.tsx';
import { editionRoutes } from './edition.tsx';
import { outboxRoutes } from './outbox.tsx';
import { initiativeRoutes } from './initiative.tsx';
import { shapeRoutes } from './initiative-shape.tsx';
import { historyRoutes } from './history.tsx';
import { uploadRoutes } from './upload.tsx';
import { editionDisplayRoutes } from './edition-display.tsx';

export const adminRoutes = new Hono<AdminEnv>();

// An upload larger than any workbook we accept is refused before it is read into memory.
adminRoutes.use(
  '*',
  bodyLimit({
    maxSize: LIMITS.maxBytes + 1024 * 1024,
    onError: (c) => c.text(`送信されたデータが大きすぎます（上限 ${LIMITS.maxBytes / 1024 / 1024} MB） / request body too large`, 413),
  }),
);

adminRoutes.route('/', loginRoutes);

// ---- everything below needs a session and, for POST, the CSRF token ---------------------------------

adminRoutes.use('*', except('/admin/login', requireSession(), requireCsrf()));

// Mounted after the guards above, so they apply; in the order the routes were first registered.
adminRoutes.route('/', structureRoutes); // pillars, sub-areas, order and numbers of an edition
adminRoutes.route('/', kpiRoutes); // the plan's KPIs
adminRoutes.route('/', departmentRoutes); // the department master
adminRoutes.route('/', userRoutes); // staff accounts
adminRoutes.route('/', platformRoutes); // the platform administrator's organizations (no organization's routes reach it)
adminRoutes.route('/', sessionRoutes); // logout, password
adminRoutes.route('/', dashboardRoutes); // the dashboard, opening a round
adminRoutes.route('/', planRoutes); // the organization's plans: a new plan, its settings, a year's empty draft edition
adminRoutes.route('/', editionRoutes); // one edition: to-do list, progress, publish, reopen, remind, settings
adminRoutes.route('/', outboxRoutes); // notices sent
adminRoutes.route('/', initiativeRoutes); // one initiative: page, save, submit, review, assess, identity, order, removal, add
adminRoutes.route('/', shapeRoutes); // one initiative's sections, grade, schedule, milestones and indicators, as its plan declares them
adminRoutes.route('/', historyRoutes); // an initiative's change history
adminRoutes.route('/', uploadRoutes); // Excel / CSV upload
adminRoutes.route('/', editionDisplayRoutes); // an edition's title, catch copy, lead and 出典 as shown
