Feature: Orders and payments
  Customers pay for plans and buy marketplace workflows. Every order is paid through a payment
  provider, which reports each attempt as succeeded or declined. The platform's books record
  every charge and refund, and for a workflow sale the author's payout and the platform's fee.

  Rule: A plan renews every month and the customer's books balance

    @O1
    Scenario: O1 A monthly renewal is charged and the period moves on
      Given Farid has been on Pro since 1 March 2026
      When the daily billing runs on 1 April 2026
      And Farid's renewal payment of 19 USD by card succeeds on 1 April 2026
      Then Farid's renewal order is paid after 1 attempt
      And Farid has been charged 19 USD for the renewal
      And Farid's Pro plan runs from 1 April 2026 to 1 May 2026
      And Farid's charges and refunds add up to his payments

  Rule: A workflow costs its list price minus the buyer's tier discount; the author gets 70 % of the sale

    @O2
    Scenario Outline: O2 Buying a workflow as a <tier> customer
      Given Grace has published "Invoice Sync to QuickBooks" at <list price>
      And Hugo is a <tier> customer
      When Hugo buys "Invoice Sync to QuickBooks" on 3 March 2026 and pays by card
      Then Hugo has been charged <amount> for the purchase
      And Grace earns a payout of <payout> from the sale
      And the platform keeps a fee of <fee> from the sale
      And Hugo can run "Invoice Sync to QuickBooks"

      Examples: discount rounded to the nearest cent, payout rounded down, the fee is the rest
        | tier    | list price | amount    | payout    | fee       |
        | Free    | 49 USD     | 49 USD    | 34.30 USD | 14.70 USD |
        | Pro     | 49 USD     | 44.10 USD | 30.87 USD | 13.23 USD |
        | Premium | 49.99 USD  | 39.99 USD | 27.99 USD | 12.00 USD |
        | VIP     | 12.35 USD  | 8.65 USD  | 6.05 USD  | 2.60 USD  |
        | Pro     | 0.05 USD   | 0.05 USD  | 0.03 USD  | 0.02 USD  |

    @O2
    Scenario: A workflow is not run before it is paid
      Given Grace has published "Invoice Sync to QuickBooks" at 49 USD
      And Hugo is a Pro customer
      When Hugo orders "Invoice Sync to QuickBooks" on 3 March 2026
      Then Hugo cannot run "Invoice Sync to QuickBooks"

    @O2
    Scenario Outline: Purchases that make no sense are refused
      Given Grace has published "Invoice Sync to QuickBooks" at 49 USD
      And Grace has published "Daily Slack Digest" for free
      And Hugo is a Pro customer
      And Hugo bought "Invoice Sync to QuickBooks" on 1 March 2026
      When <buyer> tries to order "<workflow>" on 3 March 2026
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | buyer | workflow                   | explanation                         |
        | Hugo  | Invoice Sync to QuickBooks | already owns                        |
        | Hugo  | Daily Slack Digest         | is free to run; it needs no purchase |
        | Grace | Invoice Sync to QuickBooks | authors do not buy their own        |

  Rule: A declined payment can be retried

    @O3
    Scenario: O3 A renewal paid on the third attempt
      Given Ines has been on Premium since 1 March 2026
      When the daily billing runs on 1 April 2026
      And Ines's renewal payment by card is declined on 1 April 2026 because "insufficient funds"
      And Ines's renewal payment by card is declined on 2 April 2026 because "do not honor"
      And Ines's renewal payment of 49 USD by card succeeds on 4 April 2026
      Then Ines's renewal order is paid after 3 attempts
      And Ines has been charged 49 USD for the renewal
      And Ines's Premium plan is active and runs from 1 April 2026 to 1 May 2026

  Rule: A purchase can be refunded within 14 days of its payment, and the refund ends the access

    @O4
    Scenario: O4 A refund on the last day of the window
      Given Grace has published "Lead Scoring with OpenAI" at 30 USD
      And Jonas is a Free customer
      And Jonas bought "Lead Scoring with OpenAI" on 2 March 2026
      When Jonas asks for a refund of "Lead Scoring with OpenAI" on 16 March 2026
      Then Jonas gets 30 USD back for "Lead Scoring with OpenAI"
      And Grace's payout and the platform's fee from the sale are reversed
      And Jonas cannot run "Lead Scoring with OpenAI"
      And Jonas's charges and refunds add up to his payments

    @O4
    Scenario Outline: Refunds after the window are refused
      Given Grace has published "Lead Scoring with OpenAI" at 30 USD
      And Jonas is a Free customer
      And Jonas bought "Lead Scoring with OpenAI" on 2 March 2026
      When Jonas tries to get a refund of "Lead Scoring with OpenAI" on <day>
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | day           | explanation                                                                     |
        | 17 March 2026 | can be refunded within 14 days of its payment; this one was paid on 2 Mar 2026 |
        | 2 June 2026   | can be refunded within 14 days of its payment                                   |

    @O4
    Scenario: A purchase is refunded only once
      Given Grace has published "Lead Scoring with OpenAI" at 30 USD
      And Jonas is a Free customer
      And Jonas bought "Lead Scoring with OpenAI" on 2 March 2026
      And Jonas was refunded for "Lead Scoring with OpenAI" on 5 March 2026
      When Jonas tries to get a refund of "Lead Scoring with OpenAI" on 6 March 2026
      Then the request is refused, saying "was already refunded on 5 Mar 2026"
      And nothing has changed on the platform

  Rule: A payment reported twice by the provider counts once

    @O5
    Scenario: O5 The provider confirms the same payment twice
      Given Karim is a Free customer
      And Karim has ordered the Pro plan on 1 March 2026
      When the provider confirms the card payment "pi_3PqK8L2eZvKYlo2C1x9aB7cD" of 19 USD for Karim's order on 1 March 2026
      And the provider confirms the card payment "pi_3PqK8L2eZvKYlo2C1x9aB7cD" of 19 USD for Karim's order on 1 March 2026
      Then Karim's order is paid after 1 attempt
      And Karim has been charged 19 USD once
      And Karim is on the Pro tier with 2,000 runs a month

    @O5
    Scenario Outline: Payments that cannot be right are refused
      Given Karim is a Free customer
      And Karim has ordered the Pro plan on 1 March 2026
      When the provider tries to confirm a <method> payment of <amount> for Karim's order on 1 March 2026
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | method | amount  | explanation                            |
        | card   | 0 USD   | is not a payment amount                |
        | card   | -19 USD | is not a payment amount                |
        | card   | 10 USD  | is paid in one payment of 19.00 USD    |
        | card   | 25 USD  | has 19.00 USD left to pay              |
        | cheque | 19 USD  | 'cheque' is not a payment method       |

    @O5
    Scenario: A paid order takes no further payment
      Given Karim is a Free customer
      And Karim has ordered the Pro plan on 1 March 2026
      And the card payment of 19 USD for Karim's order is confirmed on 1 March 2026
      When the provider tries to confirm a card payment of 19 USD for Karim's order on 2 March 2026
      Then the request is refused, saying "is paid and takes no payment"
      And nothing has changed on the platform

  Rule: A VIP contract can be paid in installments; VIP starts with the last one

    @O6
    Scenario: O6 VIP starts when the last installment arrives
      Given Lucia has been on Pro since 1 March 2026
      When Lucia agrees a VIP contract at 600 USD a month on 5 March 2026
      And the bank transfer of 200 USD for Lucia's order arrives on 6 March 2026
      And the bank transfer of 250 USD for Lucia's order arrives on 13 March 2026
      Then Lucia's order is partially paid with 150 USD left to pay
      And Lucia is on the Pro tier with 2,000 runs a month
      When the bank transfer of 150 USD for Lucia's order arrives on 20 March 2026
      Then Lucia's order is paid after 3 attempts
      And Lucia is on the VIP tier with unlimited runs
      And Lucia has been charged 600 USD for the VIP contract
