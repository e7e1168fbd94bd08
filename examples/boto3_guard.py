"""rumrules' boto3 guard, offline: botocore's Stubber stands in for CloudWatch RUM."""

import boto3
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from rumrules.contrib.boto3 import install

rum = boto3.client("rum", region_name="us-east-1", aws_access_key_id="example",
                   aws_secret_access_key="example")
install(rum)  # or install(boto3.Session()): every rum client it creates

definition = {"Name": "CheckoutErrors", "Namespace": "AWS/Shop", "UnitLabel": "count",
              "EventPattern": '{"event_type": ["com.amazon.rum.js_error_event"]}'}
with Stubber(rum) as service:
    service.add_response("batch_create_rum_metric_definitions",
                         {"Errors": [], "MetricDefinitions": []})
    try:
        rum.batch_create_rum_metric_definitions(
            AppMonitorName="shop", Destination="CloudWatch", MetricDefinitions=[definition])
    except ParamValidationError as error:  # also a rumrules.RumRulesError
        print(error)
    definition.update(Namespace="Shop", UnitLabel="Count")
    print(rum.batch_create_rum_metric_definitions(
        AppMonitorName="shop", Destination="CloudWatch", MetricDefinitions=[definition]))
