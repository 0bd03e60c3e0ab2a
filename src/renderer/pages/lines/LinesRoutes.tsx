import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../NotFound.page';
import { LineDetailPage } from './LineDetail.page';
import { LineListPage } from './LineList.page';
import { LinesDashboardPage } from './LinesDashboard.page';

/** #/lines (dashboard), #/lines/list?filters, #/lines/<id>. */
export function LinesRoutes() {
  return (
    <Routes>
      <Route index element={<LinesDashboardPage />} />
      <Route path="list" element={<LineListPage />} />
      <Route path=":id" element={<LineDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
