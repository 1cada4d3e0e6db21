// '/account': order history, the address book and the password, for a signed-in shopper.
import { RequireAccount } from '../components/RequireAccount.tsx';
import { useTitle } from '../router.tsx';
import { AddressBook } from './account/AddressBook.tsx';
import { ChangePassword } from './account/ChangePassword.tsx';
import { OrderHistory } from './account/OrderHistory.tsx';

export function Account() {
  useTitle('Your account');
  return (
    <RequireAccount>
      {(account) => (
        <>
          <h1>Your account</h1>
          <p className="lead">
            Signed in as <strong>{account.email}</strong>
            {account.name ? ` (${account.name})` : ''}.
          </p>
          <div className="account-grid">
            <OrderHistory />
            <AddressBook />
            <ChangePassword email={account.email} />
          </div>
        </>
      )}
    </RequireAccount>
  );
}
