// Which screen is shown, with a history for "back" (Alt+Left).

import type { DocumentSubject, NaiveDate } from '../types';

export type Route =
  | { name: 'home' }
  | { name: 'procedure'; id: number; claimId?: number }
  | { name: 'dossier'; reference: string }
  | { name: 'statement'; subject: DocumentSubject; reference: string; date?: NaiveDate | null }
  | { name: 'requests' }
  | { name: 'settings' }
  | { name: 'about' };

export class Navigation {
  route = $state<Route>({ name: 'home' });
  private history = $state<Route[]>([]);

  get canGoBack(): boolean {
    return this.history.length > 0;
  }

  go(route: Route): void {
    if (JSON.stringify(route) === JSON.stringify(this.route)) return;
    this.history.push(this.route);
    this.route = route;
  }

  back(): void {
    const previous = this.history.pop();
    if (previous) this.route = previous;
  }

  reset(): void {
    this.history = [];
    this.route = { name: 'home' };
  }
}
