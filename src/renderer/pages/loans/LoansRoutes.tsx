import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../NotFound.page';
import { LoanDetailPage } from './LoanDetail.page';
import { LoanListPage } from './LoanList.page';
import { LoansDashboardPage } from './LoansDashboard.page';

/** #/loans (dashboard), #/loans/list?filters, #/loans/<id>. */
export function LoansRoutes() {
  return (
    <Routes>
      <Route index element={<LoansDashboardPage />} />
      <Route path="list" element={<LoanListPage />} />
      <Route path=":id" element={<LoanDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
