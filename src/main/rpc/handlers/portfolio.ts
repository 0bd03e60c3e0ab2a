import type { PortfolioService } from '../../portfolio/service';
import type { Handlers } from '../router';

export function portfolioHandlers(portfolio: PortfolioService): Pick<
  Handlers,
  | 'portfolio:filter-options'
  | 'portfolio:lines-dashboard'
  | 'portfolio:lines-list'
  | 'portfolio:line-detail'
  | 'portfolio:loans-dashboard'
  | 'portfolio:loans-list'
  | 'portfolio:loan-detail'
> {
  return {
    'portfolio:filter-options': () => portfolio.filterOptions(),
    'portfolio:lines-dashboard': (input) => portfolio.linesDashboard(input),
    'portfolio:lines-list': (input) => portfolio.linesList(input),
    'portfolio:line-detail': (input) => portfolio.lineDetail(input.id),
    'portfolio:loans-dashboard': (input) => portfolio.loansDashboard(input),
    'portfolio:loans-list': (input) => portfolio.loansList(input),
    'portfolio:loan-detail': (input) => portfolio.loanDetail(input.id),
  };
}
