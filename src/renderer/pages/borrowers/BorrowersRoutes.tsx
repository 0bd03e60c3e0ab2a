import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../NotFound.page';
import { BorrowerPageView } from './Borrower.page';
import { BorrowerSearchPage } from './BorrowerSearch.page';

/** #/borrowers (search) and #/borrowers/<borrowerId> (deep links from review queues and loans). */
export function BorrowersRoutes() {
  return (
    <Routes>
      <Route index element={<BorrowerSearchPage />} />
      <Route path=":id" element={<BorrowerPageView />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
