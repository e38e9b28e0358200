"""A proposed fix tried under benchmark settings only (BENCH_TRY_DELIVERY_ORDER=1), so that the
results can show its before/after figures; the product code is not changed by this module.

alerts.tasks.deliver_alert sends an alert's deliveries in Delivery's default ordering
(-created_at, -pk), i.e. the reverse of the order new_report_recipients() put them in: the officer
on duty comes last, after every supervisor's email. The proposal: send them in recipient order
(.order_by("pk")), so the person on duty hears first and slow email never delays the chat gateway.
"""


def deliveries_in_recipient_order():
    from alerts import services
    from alerts.models import Delivery
    from alerts.tasks import deliver_alert

    def run(alert_id: int) -> None:
        for delivery_id in Delivery.objects.filter(alert_id=alert_id).order_by("pk").values_list("pk", flat=True):
            services.delivery_send(delivery_id=delivery_id)

    deliver_alert.run = run
